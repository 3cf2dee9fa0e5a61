// The MCP Bundle for Claude Desktop (`deno task mcpb`): the linux bundle is
// built, validated and unpacked with the bundle tool's own library
// (@anthropic-ai/mcpb), its mcp_config expanded by that library's
// getMcpConfigForManifest (as Claude Desktop expands it), and the server run
// from it: the bundled Deno by its absolute path, with no Deno on PATH, an
// empty DENO_DIR, no proxy or registry that answers, and a fresh home, listing
// its tools and answering calls against the emulator.

import assert from "node:assert/strict";
import {
  getMcpConfigForManifest,
  unpackExtension,
  validateManifest,
} from "@anthropic-ai/mcpb";
import config from "../deno.json" with { type: "json" };
import { startEmulator } from "./_helpers/emulator.ts";
import {
  bundleName,
  DENO_VERSION,
  manifestFor,
  PLATFORMS,
} from "../scripts/mcpb_manifest.ts";
import { ITOPIA_KEY } from "./_helpers/accounts.ts";
import {
  childEnv,
  closedPort,
  jsonLines,
  LISTED_TOOL_NAMES,
  OPENING,
  toolCall,
} from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const LINUX = PLATFORMS.find((p) => p.id === "linux-x64")!;

/** Every file under a folder, as sorted paths from it. */
async function files(dir: string, under = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${under}`)) {
    const path = `${under}${entry.name}`;
    if (entry.isDirectory) found.push(...await files(dir, `${path}/`));
    else found.push(path);
  }
  return found.sort();
}

/** Writes requests and reads JSON-RPC answers until each id has one. */
async function ask(
  child: Deno.ChildProcess,
  messages: readonly Record<string, unknown>[],
): Promise<Map<unknown, Record<string, unknown>>> {
  const ids = messages.filter((m) => m.id !== undefined).map((m) => m.id);
  const writer = child.stdin.getWriter();
  await writer.write(jsonLines(messages));
  const answers = new Map<unknown, Record<string, unknown>>();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).values();
  let buffered = "";
  while (ids.some((id) => !answers.has(id))) {
    const { value, done } = await lines.next();
    if (done) break;
    buffered += value;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const line of parts.filter((l) => l.trim() !== "")) {
      const message = JSON.parse(line);
      if (message.id !== undefined) answers.set(message.id, message);
    }
  }
  await writer.close();
  await lines.return?.();
  return answers;
}

Deno.test("the linux MCP Bundle validates, unpacks and runs as Claude Desktop runs it", async () => {
  await using tmp = await tempDir();
  const out = `${tmp.path}/out`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "mcpb", "--platform", "linux-x64", "--out", out],
    cwd: ROOT,
    env: childEnv({}),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(built.stderr);
  assert.equal(built.code, 0, log);
  const bundle = `${out}/${bundleName(LINUX)}`;
  assert.deepEqual(await files(out), [bundleName(LINUX)]);

  // Unpacked and validated by the bundle tool.
  const ext = `${tmp.path}/extension`;
  assert.ok(
    await unpackExtension({ mcpbPath: bundle, outputDir: ext, silent: true }),
  );
  assert.deepEqual(await files(ext), [
    "LICENSE",
    "manifest.json",
    "server/DENO_LICENSE.txt",
    "server/deno",
    "server/mcp.js",
  ]);
  assert.ok(validateManifest(`${ext}/manifest.json`), "mcpb validate");
  assert.ok(((await Deno.stat(`${ext}/server/deno`)).mode ?? 0) & 0o100);

  // deno-lint-ignore no-explicit-any -- the manifest's JSON, checked field by field
  const manifest: any = JSON.parse(
    await Deno.readTextFile(`${ext}/manifest.json`),
  );
  assert.equal(manifest.manifest_version, "0.3");
  assert.equal(manifest.server.type, "binary");
  assert.deepEqual(manifest.compatibility.platforms, ["linux"]);
  assert.deepEqual(
    manifest.tools.map((t: { name: string }) => t.name),
    LISTED_TOOL_NAMES,
  );
  const settings = Object.entries(
    manifest.user_config as Record<
      string,
      { sensitive?: boolean; required?: boolean }
    >,
  );
  assert.deepEqual(
    settings.filter(([, s]) => s.sensitive).map(([key]) => key),
    ["cleura_password", "cleura_token", "itopia_api_key"],
  );
  assert.ok(settings.every(([, s]) => s.required !== true), "all optional");
  const args: string[] = manifest.server.mcp_config.args;
  assert.ok(
    args.includes(`--allow-net=${config.permissions.mcp.net.join(",")}`),
  );
  assert.ok(
    args.includes(`--allow-env=${config.permissions.mcp.env.join(",")}`),
  );
  assert.ok(
    !args.some((a) =>
      /^--allow-(all|run|ffi|sys)|^-A$|^--allow-(read|write)$/.test(a)
    ),
    args.join(" "),
  );

  // The mcp_config as Claude Desktop expands it, for emulator accounts.
  await using emu = await startEmulator();
  const home = `${tmp.path}/home`;
  const empty = `${tmp.path}/empty-path`;
  const cwd = `${tmp.path}/cwd`;
  for (const dir of [home, empty, cwd]) await Deno.mkdir(dir);
  const expanded = await getMcpConfigForManifest({
    manifest,
    extensionPath: ext,
    systemDirs: {
      HOME: home,
      DESKTOP: `${home}/Desktop`,
      DOCUMENTS: `${home}/Documents`,
      DOWNLOADS: `${home}/Downloads`,
    },
    userConfig: {
      cleura_login: "alice",
      cleura_password: "alice-password",
      cleura_api_url: emu.cleuraUrl,
      itopia_api_key: ITOPIA_KEY,
      itopia_organization_id: "42",
      itopia_api_url: emu.itopiaUrl,
    },
    pathSeparator: "/",
  });
  assert.ok(expanded);
  assert.doesNotMatch(JSON.stringify(expanded), /\$\{/);
  assert.equal(expanded.command, `${ext}/server/deno`);
  assert.equal(expanded.env?.CLEURA_API_TOKEN, "", "an empty setting is empty");

  const version = await new Deno.Command(expanded.command, {
    args: ["--version"],
    clearEnv: true,
    env: { PATH: empty },
  }).output();
  assert.match(
    new TextDecoder().decode(version.stdout),
    new RegExp(`^deno ${DENO_VERSION.replaceAll(".", "\\.")} `),
  );

  // Run: no Deno on PATH, nothing cached, no network beyond this machine.
  const nowhere = `http://127.0.0.1:${closedPort()}`;
  const child = new Deno.Command(expanded.command, {
    args: expanded.args ?? [],
    cwd,
    clearEnv: true,
    env: {
      PATH: empty,
      HOME: home,
      DENO_DIR: `${tmp.path}/deno-dir`,
      HTTP_PROXY: nowhere,
      HTTPS_PROXY: nowhere,
      ALL_PROXY: nowhere,
      NO_PROXY: "127.0.0.1,localhost",
      NPM_CONFIG_REGISTRY: nowhere,
      ...expanded.env,
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  const errText = Array.fromAsync(stderr).then((parts) => parts.join(""));
  const answers = await ask(child, [
    ...OPENING,
    toolCall(3, "cleura_list_regions"),
    toolCall(4, "itopia_mint_jwt"),
  ]);
  const status = await child.status;
  const errors = await errText;
  assert.equal(status.code, 0, errors);
  // deno-lint-ignore no-explicit-any -- JSON-RPC answers
  const result = (id: number): any => answers.get(id)?.result;
  assert.deepEqual(
    result(2).tools.map((t: { name: string }) => t.name),
    LISTED_TOOL_NAMES,
  );
  assert.notEqual(result(3).isError, true, JSON.stringify(answers.get(3)));
  assert.ok(
    result(3).structuredContent.regions.some((r: { region: string }) =>
      r.region === "Sto2"
    ),
  );
  assert.notEqual(result(4).isError, true, JSON.stringify(answers.get(4)));
  assert.equal(result(4).structuredContent.claims.organizationId, 42);
  assert.ok(emu.counters.requests > 0);
  // The token was cached where the bundle may write, with no warning.
  const cached = await files(`${home}/.cache/cloudgate`);
  assert.ok(cached.some((f) => f.endsWith(".json")), cached.join(", "));
  assert.doesNotMatch(errors, /warning|error/i);
  for (const secret of ["alice-password", ITOPIA_KEY]) {
    assert.ok(!errors.includes(secret) && !log.includes(secret));
  }
});

Deno.test("every platform's manifest validates and runs that platform's Deno", async () => {
  await using tmp = await tempDir();
  for (const platform of PLATFORMS) {
    const manifest = manifestFor(platform);
    const path = `${tmp.path}/${platform.id}.json`;
    await Deno.writeTextFile(path, JSON.stringify(manifest));
    assert.ok(validateManifest(path), platform.id);
    // deno-lint-ignore no-explicit-any -- the manifest's JSON
    const { server, compatibility } = manifest as any;
    assert.equal(server.entry_point, `server/${platform.binary}`);
    assert.equal(
      server.mcp_config.command,
      `\${__dirname}/${server.entry_point}`,
    );
    assert.deepEqual(compatibility.platforms, [platform.os]);
  }
  assert.deepEqual(PLATFORMS.map((p) => `${p.os}:${p.binary}`), [
    "linux:deno",
    "darwin:deno",
    "darwin:deno",
    "win32:deno.exe",
  ]);
});
