// What a program of the project loads, read from Deno's own debug log of the
// module loader. The "ES module: <url>" lines it reads are the V8 code
// cache's: "code cache hit" when a module compiles from the cache, "Updating
// code cache" once a graph has finished evaluating. A program that ends in
// `Deno.exit()` inside its top-level await never finishes evaluating its
// static graph, so it never caches it itself: on a fresh DENO_DIR its static
// modules named no line until some other process (a test importing cli.ts)
// happened to cache them, which made this helper flaky under `--parallel`.
// So each run is preceded by one that imports the program as a module (not
// main, so it does not run), which caches the same static graph (`deno eval`
// does not: its code cache is not kept).

import assert from "node:assert/strict";
import { tempDir } from "./temp.ts";

const ROOT_URL = new URL("../..", import.meta.url);
const ROOT = ROOT_URL.pathname;

/** Deno's cache folder, so that the child runs warm whatever HOME it gets. */
async function denoDir(): Promise<string> {
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  }).output();
  return (JSON.parse(new TextDecoder().decode(stdout)) as { denoDir: string })
    .denoDir;
}

/** What a run loaded. */
export interface Loaded {
  code: number;
  /** What it wrote on stdout. */
  stdout: string;
  /** The project's own modules, relative to the root (`cli/main.ts`). */
  own: string[];
  /** The npm packages any module was loaded from. */
  npm: string[];
  /**
   * The `node:` modules loaded, by name (`util` for `ext:deno_node/util.ts`),
   * without the internals of Deno's Node compatibility layer they pull in.
   */
  node: string[];
}

/**
 * Runs `script args` (relative to the project's root) with the root config,
 * `-A` and Deno's debug log, in an empty HOME, and lists what it loaded.
 */
export async function loadedBy(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<Loaded> {
  await using home = await tempDir();
  const run = ["run", "--config", `${ROOT}deno.json`, "-A"];
  const warm = await new Deno.Command(Deno.execPath(), {
    args: [...run, "-"],
    env: { PATH: Deno.env.get("PATH") ?? "", DENO_DIR: await denoDir() },
    clearEnv: true,
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = warm.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(
      `await import(${JSON.stringify(ROOT_URL.href + script)});`,
    ),
  );
  await writer.close();
  const warmed = await warm.output();
  assert.equal(warmed.code, 0, new TextDecoder().decode(warmed.stderr));
  const child = new Deno.Command(Deno.execPath(), {
    args: [...run, "--log-level=debug", `${ROOT}${script}`, ...args],
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: home.path,
      XDG_CONFIG_HOME: `${home.path}/config`,
      XDG_CACHE_HOME: `${home.path}/cache`,
      DENO_DIR: await denoDir(),
      NO_COLOR: "1",
      ...options.env,
    },
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const log = new TextDecoder().decode(stderr);
  const urls = [
    ...log.matchAll(
      /ES module: ([^\s,]+)/g,
    ),
  ].map((m) => m[1]!);
  const root = ROOT_URL.href;
  const own = urls.filter((u) => u.startsWith(root) && !u.includes("/npm/"))
    .map((u) => u.slice(root.length));
  assert.ok(
    own.includes(script),
    `the debug log names no module: has the format of Deno's log changed? (exit code ${code}; the end of stderr:\n${
      log.split("\n").slice(-15).join("\n")
    })`,
  );
  const npm = new Set<string>();
  for (const url of urls) {
    const name =
      /registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ??
        /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (name) npm.add(name);
  }
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    own: own.toSorted(),
    npm: [...npm].toSorted(),
    node: urls.flatMap((u) =>
      /^ext:deno_node\/([a-z]\w*)\.m?[jt]s$/.exec(u)?.[1] ?? []
    )
      .toSorted(),
  };
}
