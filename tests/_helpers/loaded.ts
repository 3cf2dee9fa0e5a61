// What a program of the project loads, read from Deno's own debug log of the
// module loader (one "ES module: <url>" line per module it evaluates).

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
  /** The modules of Deno's Node compatibility layer (`ext:deno_node/...`). */
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
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      `${ROOT}deno.json`,
      "-A",
      "--log-level=debug",
      `${ROOT}${script}`,
      ...args,
    ],
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
  const urls = [
    ...new TextDecoder().decode(stderr).matchAll(
      /ES module: ([^\s,]+)/g,
    ),
  ].map((m) => m[1]!);
  const root = ROOT_URL.href;
  const own = urls.filter((u) => u.startsWith(root) && !u.includes("/npm/"))
    .map((u) => u.slice(root.length));
  assert.ok(
    own.includes(script),
    "the debug log names no module: has the format of Deno's log changed?",
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
    node: urls.filter((u) => u.startsWith("ext:deno_node/")),
  };
}
