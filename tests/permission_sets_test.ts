// The permission sets of deno.json ("cli" and "mcp", chosen with -P=NAME) and
// the tasks that use them, run as a user runs them: a HOME whose name holds a
// space, stdin not a terminal (so a missing permission fails instead of
// prompting), and only the variables given.

import assert from "node:assert/strict";
import { jwtVerify } from "jose";
import { startEmulator } from "./_helpers/emulator.ts";
import { VERSION } from "../lib/version.ts";
import { ITOPIA_KEY } from "./_helpers/accounts.ts";
import {
  childEnv,
  jsonLines,
  LISTED_TOOL_NAMES,
  OPENING,
  toolCall,
} from "./_helpers/mcp.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A fresh HOME with a space in its name, removed when disposed. */
async function spacedHome(): Promise<AsyncDisposable & { path: string }> {
  const parent = await Deno.makeTempDir({ prefix: "cloudgate-home-" });
  const path = `${parent}/my home`;
  await Deno.mkdir(path);
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(parent, { recursive: true }),
  };
}

/**
 * The parent's environment (its Deno cache, PATH, proxy and certificates)
 * without cloudgate's variables or the folder variables, with HOME and
 * `extra`.
 */
function envOf(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env = childEnv({ HOME: home, NO_COLOR: "1", ...extra });
  for (
    const name of [
      "XDG_CACHE_HOME",
      "XDG_CONFIG_HOME",
      "XDG_RUNTIME_DIR",
      "LOCALAPPDATA",
      "APPDATA",
    ]
  ) delete env[name];
  return env;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno` with `args` in `cwd` (the repository), stdin closed or `stdin`. */
async function deno(
  args: string[],
  env: Record<string, string>,
  stdin?: Uint8Array,
  cwd = ROOT,
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("deno task cli --version works when HOME holds a space", async () => {
  await using home = await spacedHome();
  const run = await deno(["task", "-q", "cli", "--version"], envOf(home.path));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), `cloudgate ${VERSION}`);
  assert.equal(run.stderr, "");
});

Deno.test("deno task mcp --help works when HOME holds a space", async () => {
  await using home = await spacedHome();
  const run = await deno(["task", "-q", "mcp", "--help"], envOf(home.path));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Usage: cloudgate-mcp/);
  assert.equal(run.stderr, "");
});

Deno.test("deno run -P=cli cli.ts itopia jwt mints a token without a prompt", async () => {
  await using home = await spacedHome();
  const run = await deno(
    ["run", "-q", "-P=cli", "cli.ts", "itopia", "jwt"],
    envOf(home.path, {
      ITOPIA_API_KEY: ITOPIA_KEY,
      ITOPIA_ORGANIZATION_ID: "42",
    }),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  const { payload } = await jwtVerify(
    run.stdout.trim(),
    new TextEncoder().encode(ITOPIA_KEY),
    { audience: "Itopia" },
  );
  assert.equal(payload.organizationId, 42);
});

Deno.test("-P=cli reads the environment and caches the token under a HOME with a space", async () => {
  await using emu = await startEmulator();
  await using home = await spacedHome();
  const env = envOf(home.path, {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: "alice-password",
  });
  // The emulator is on 127.0.0.1, which the set does not name: this flag
  // replaces the set's hosts; env, read and write stay the set's.
  const args = [
    "run",
    "-q",
    "-P=cli",
    "--allow-net=127.0.0.1",
    "cli.ts",
    "cleura",
    "regions",
  ];
  for (let i = 0; i < 2; i++) {
    const run = await deno(args, env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.match(run.stdout, /^Sto2 /m);
  }
  assert.equal(emu.counters.cleuraLogins, 1, "the second run used the cache");
  const cached = [...Deno.readDirSync(`${home.path}/.cache/cloudgate`)]
    .map((e) => e.name).sort();
  assert.equal(cached.length, 2, "the token and the login lock");
  assert.match(cached[0]!, /^[0-9a-f]{32}\.json$/);
  assert.match(cached[1]!, /^login-[0-9a-f]{32}\.lock$/);
});

Deno.test("deno run -P=mcp --config deno.json mcp/server.ts lists the tools and mints a JWT", async () => {
  await using home = await spacedHome();
  // As an MCP client starts it: from another folder, with --config.
  const run = await deno(
    [
      "run",
      "-q",
      "-P=mcp",
      "--config",
      `${ROOT}deno.json`,
      `${ROOT}mcp/server.ts`,
    ],
    envOf(home.path, {
      ITOPIA_API_KEY: ITOPIA_KEY,
      ITOPIA_ORGANIZATION_ID: "42",
    }),
    jsonLines([...OPENING, toolCall(3, "itopia_mint_jwt")]),
    home.path,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  const answers = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const list = answers.find((m) => m.id === 2);
  assert.deepEqual(
    list.result.tools.map((t: { name: string }) => t.name),
    LISTED_TOOL_NAMES,
  );
  const minted = answers.find((m) => m.id === 3);
  assert.equal(minted.result.isError, undefined, JSON.stringify(minted));
  assert.equal(minted.result.structuredContent.claims.organizationId, 42);
});

Deno.test("deno run -P=mcp mcp/server.ts --http writes its token file under HOME", async () => {
  await using home = await spacedHome();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=mcp", "mcp/server.ts", "--http", "--port", "0"],
    cwd: ROOT,
    env: envOf(home.path),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const decoder = new TextDecoder();
  const reader = child.stderr.getReader();
  try {
    while (!/\/mcp\b[\s\S]*mcp-http-\d+\.json/.test(stderr)) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += decoder.decode(value, { stream: true });
    }
    const port = /http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr)?.[1];
    assert.ok(port, stderr);
    const file = `${home.path}/.config/cloudgate/mcp-http-${port}.json`;
    const saved = JSON.parse(await Deno.readTextFile(file));
    assert.equal(saved.url, `http://127.0.0.1:${port}/mcp`);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    const answer = await fetch(saved.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${saved.token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(OPENING[0]),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    await answer.body?.cancel();
  } finally {
    child.kill("SIGTERM");
    await reader.cancel().catch(() => {});
    await child.status;
  }
});

Deno.test("the README's global installs (from JSR and from a clone) and .ci/run grant what the permission sets do", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const ci = await Deno.readTextFile(`${ROOT}.ci/run`);
  // `deno install` leaves a permission set out of the installed command, so
  // both spell the sets out as flags.
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const name of ["cli", "mcp"]) {
    const set = config.permissions[name];
    assert.equal(set.read, true, name);
    assert.equal(set.write, true, name);
    const install = new RegExp(
      `-n cloudgate${name === "mcp" ? "-mcp" : ""} \\\\\\n` +
        `  ${escape(`--allow-net=${set.net.join(",")}`)} \\\\\\n` +
        `  ${escape(`'--allow-env=${set.env.join(",")}'`)} \\\\\\n` +
        `  --allow-read --allow-write "\\$(PWD|repo)/${
          name === "mcp" ? "mcp/server" : "cli"
        }\\.ts"`,
    );
    assert.match(readme, install, `README: ${name}`);
    assert.match(ci, install, `.ci/run: ${name}`);
    const fromJsr = new RegExp(
      `-n cloudgate${name === "mcp" ? "-mcp" : ""} \\\\\\n` +
        `  ${escape(`--allow-net=${set.net.join(",")}`)} \\\\\\n` +
        `  ${escape(`'--allow-env=${set.env.join(",")}'`)} \\\\\\n` +
        `  --allow-read --allow-write jsr:@cloudgate/toolkit/${name}\n`,
    );
    assert.match(readme, fromJsr, `README, from JSR: ${name}`);
  }
});

Deno.test("--help, --version and completion (and the server's --help and --version) need no permission at all (a consumer of jsr: runs them with none)", async () => {
  await using home = await spacedHome();
  const runs: [string, string[], RegExp][] = [
    ["cli.ts", ["--help"], /^Usage: /m],
    ["cli.ts", ["--version"], new RegExp(`^cloudgate ${VERSION}$`, "m")],
    ["cli.ts", ["completion", "bash"], /complete /],
    ["cli.ts", ["cleura", "regions", "--help"], /regions/],
    ["mcp/server.ts", ["--help"], /^Usage: /m],
    [
      "mcp/server.ts",
      ["--version"],
      new RegExp(`^cloudgate MCP server ${VERSION}$`, "m"),
    ],
  ];
  for (const [script, args, expected] of runs) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", `${ROOT}${script}`, ...args],
      env: envOf(home.path, { CLEURA_API_URL: "https://x.example" }),
      clearEnv: true,
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `${script} ${args.join(" ")}: ${stderr}`);
    assert.match(new TextDecoder().decode(out.stdout), expected);
    assert.equal(stderr, "");
  }
});
