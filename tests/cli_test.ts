import assert from "node:assert/strict";
import { cliArgs, runMain, spawnPiped } from "./_helpers/cli.ts";
import { VERSION } from "../lib/version.ts";
import { childEnv, closedPort } from "./_helpers/mcp.ts";
import { cleuraEnv } from "./_helpers/accounts.ts";
import { jwtVerify } from "jose";
import {
  bySpoken,
  type Emulator,
  EMULATOR_FIXTURES,
  type EmulatorOptions,
  startEmulator,
} from "./_helpers/emulator.ts";

const KEY = EMULATOR_FIXTURES.itopiaApiKeys[0]!.key;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Setup extends AsyncDisposable {
  emu: Emulator;
  cacheHome: string;
  cli(
    args: string[],
    options?: {
      env?: Record<string, string>;
      stdin?: (emu: Emulator) => Promise<string>;
    },
  ): Promise<Run>;
}

async function setup(
  env: Record<string, string> = {},
  options: EmulatorOptions = {},
): Promise<Setup> {
  const emu = await startEmulator(options);
  const cacheHome = await Deno.makeTempDir();
  const defaults = {
    CLEURA_API_URL: emu.cleuraUrl,
    ITOPIA_API_URL: emu.itopiaUrl,
    XDG_CACHE_HOME: cacheHome,
    NO_COLOR: "1",
    ...env,
  };
  return {
    emu,
    cacheHome,
    async cli(args, options = {}) {
      const child = spawnPiped(
        Deno.execPath(),
        cliArgs(cacheHome, args),
        childEnv({ ...defaults, ...options.env }),
      );
      const writer = child.stdin.getWriter();
      if (options.stdin) {
        await writer.write(new TextEncoder().encode(await options.stdin(emu)));
      }
      await writer.close();
      const { code, stdout, stderr } = await child.output();
      return {
        code,
        stdout: new TextDecoder().decode(stdout),
        stderr: new TextDecoder().decode(stderr),
      };
    },
    async [Symbol.asyncDispose]() {
      await emu.close();
      await Deno.remove(cacheHome, { recursive: true });
    },
  };
}

async function smsCode(
  emu: Emulator,
  login = "bob",
  count = 1,
): Promise<string> {
  for (let i = 0; i < 500 && emu.counters.smsSent < count; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return String(emu.lastSmsCode(login)).padStart(6, "0");
}

const ALICE = {
  CLEURA_API_USERNAME: "alice",
  CLEURA_API_PASSWORD: "alice-password",
};
const BOB = { CLEURA_API_USERNAME: "bob", CLEURA_API_PASSWORD: "bob-password" };

Deno.test("cli --help lists every command; no arguments is a usage error", async () => {
  await using s = await setup();
  const help = await s.cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout.replace(/\s+/g, " "), /130 Ctrl-C/);
  for (
    const command of [
      "cleura regions",
      "cleura token",
      "itopia jwt",
      "itopia instances",
    ]
  ) {
    assert.match(help.stdout, new RegExp(command));
  }
  const bare = await s.cli([]);
  assert.equal(bare.code, 2);
});

Deno.test("cli <api> <command> --help shows options and examples", async () => {
  await using s = await setup();
  const run = await s.cli(["itopia", "jwt", "--help"]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /--organization-id VALUE/);
  assert.match(run.stdout, /--ttl VALUE/);
  assert.match(run.stdout, /Examples:/);
  const api = await s.cli(["cleura", "--help"]);
  assert.match(
    api.stdout,
    /projects +List the projects of every domain, or of one/,
  );
  assert.match(api.stdout, /shoot kubeconfig +Get an admin kubeconfig/);
});

Deno.test("cli cleura regions prints an aligned table", async () => {
  await using s = await setup(ALICE);
  const run = await s.cli(["cleura", "regions"]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^REGION +NAME +STATUS +AREA +DOMAIN$/);
  // v2 gives a region no status.
  assert.match(
    lines[1]!,
    bySpoken({
      v1:
        /^Sto2 +Stockholm \/ Sweden +active +Sweden \/ Stockholm \(SE_STO2\) +79b0/,
      v2:
        /^Sto2 +Stockholm \/ Sweden +- +Sweden \/ Stockholm \(SE_STO2\) +79b0/,
    }),
  );
  assert.equal(lines[0]!.indexOf("NAME"), lines[2]!.indexOf("Frankfurt"));
});

Deno.test("cli cleura regions --json prints {regions} and --status filters", async () => {
  await using s = await setup(ALICE);
  const run = await s.cli(["cleura", "regions", "--json"]);
  const body = JSON.parse(run.stdout);
  assert.deepEqual(body.regions.map((r: { region: string }) => r.region), [
    "Sto2",
    "Fra1",
    "Kna1",
  ]);
  const none = await s.cli(["cleura", "regions", "--status", "retired"]);
  assert.equal(none.stdout.trim(), "No regions.");
});

Deno.test("cli reads a piped SMS code, then reuses the cached token", async () => {
  await using s = await setup(BOB);
  const first = await s.cli(["cleura", "regions", "--json"], {
    stdin: (emu) => smsCode(emu).then((c) => `${c}\n`),
  });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).regions.length, 3);
  const second = await s.cli(["cleura", "regions"]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(s.emu.counters.cleuraLogins, 1);
  assert.equal(s.emu.counters.smsSent, 1);
});

Deno.test("cli fails with one line after two wrong SMS codes, and sends one SMS", async () => {
  await using s = await setup(BOB);
  const run = await s.cli(["cleura", "regions"], {
    stdin: async (emu) => {
      const code = Number(await smsCode(emu));
      const wrong = String((code + 1) % 1_000_000).padStart(6, "0");
      return `${wrong}\n${wrong}\n`;
    },
  });
  assert.equal(run.code, 1);
  const last = run.stderr.trimEnd().split("\n").at(-1);
  assert.match(
    last!,
    /^error: Cannot verify the SMS code for "bob": the server answered 400: Invalid two-factor code$/,
  );
  assert.equal(s.emu.counters.smsSent, 1);
  assert.equal(run.stdout, "");
});

// v2 answers a wrong password with 400, v1 with 401.
for (
  const [version, status] of [
    ["auto", bySpoken({ v1: 401, v2: 400 })],
    ["v1", 401],
  ] as const
) {
  Deno.test(`cli reports a wrong password without showing it (exit 1, ${version})`, async () => {
    // A pinned v1 needs an API that has it.
    await using s = await setup({
      ...ALICE,
      CLEURA_API_PASSWORD: "canary-pw-123",
      CLEURA_API_VERSION: version,
    }, version === "v1" ? { cleuraGenerations: ["v1"] } : {});
    const run = await s.cli(["cleura", "regions"]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.trim(),
      `error: Cannot log in "alice": the server answered ${status}: Invalid login or password`,
    );
    assert.ok(
      !run.stdout.includes("canary-pw-123") &&
        !run.stderr.includes("canary-pw-123"),
    );
  });
}

Deno.test("cli cleura login --send-code and --verify log in in two steps", async () => {
  await using s = await setup(BOB);
  const send = await s.cli(["cleura", "login", "--send-code"]);
  assert.equal(send.code, 0, send.stderr);
  const handle = send.stdout.trim();
  assert.match(handle, /^\w+$/);
  assert.equal(s.emu.counters.smsSent, 1);
  const finish = await s.cli(["cleura", "login", "--verify"], {
    env: { CLEURA_VERIFICATION: handle },
    stdin: (emu) => smsCode(emu).then((c) => `${c}\n`),
  });
  assert.equal(finish.code, 0, finish.stderr);
  // --verify sends nothing, and does not say an SMS was just sent.
  assert.equal(s.emu.counters.smsSent, 1);
  assert.match(
    finish.stderr,
    /^note: reading the SMS code `cleura login --send-code` sent to the phone of "bob" from stdin/m,
  );
  assert.doesNotMatch(finish.stderr, /an SMS code was sent/i);
  const regions = await s.cli(["cleura", "regions"], {
    env: { CLEURA_API_PASSWORD: "" },
  });
  assert.equal(regions.code, 0, regions.stderr);
  assert.equal(s.emu.counters.cleuraLogins, 1);
});

Deno.test("cli cleura login --verify needs CLEURA_VERIFICATION and never takes the handle as a flag", async () => {
  await using s = await setup(BOB);
  const missing = await s.cli(["cleura", "login", "--verify"], {
    env: { CLEURA_VERIFICATION: "" },
  });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(
    missing.stderr,
    /^error: CLEURA_VERIFICATION is not set: put the handle `cleura login --send-code` printed in it$/m,
  );
  const blank = await s.cli(["cleura", "login", "--verify"], {
    env: { CLEURA_VERIFICATION: "  " },
  });
  assert.equal(blank.code, 2, blank.stderr);
  assert.match(blank.stderr, /^error: CLEURA_VERIFICATION must not be empty$/m);
  const flag = await s.cli(["cleura", "login", "--verification", "abc"]);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /^error: .*--verification/m);
  assert.ok(!flag.stderr.includes("abc"), flag.stderr);
  assert.equal(s.emu.counters.smsSent, 0);
  assert.equal(s.emu.counters.cleuraLogins, 0);
});

Deno.test("cli cleura token prints the token alone, and it works", async () => {
  await using s = await setup(ALICE);
  const run = await s.cli(["cleura", "token"]);
  assert.equal(run.code, 0, run.stderr);
  const token = run.stdout.trim();
  assert.equal(run.stdout, `${token}\n`);
  const use = await s.cli(["cleura", "domains", "--json", "--no-cache"], {
    env: { CLEURA_API_PASSWORD: "", CLEURA_API_TOKEN: token },
  });
  assert.equal(use.code, 0, use.stderr);
  assert.equal(JSON.parse(use.stdout).domains.length, 3);
  assert.equal(s.emu.counters.cleuraLogins, 1);
});

Deno.test("cli cleura whoami and logout follow the cached token", async () => {
  await using s = await setup(ALICE);
  const before = await s.cli(["cleura", "whoami"]);
  assert.equal(before.code, 1);
  assert.match(before.stdout, /no valid token/);
  await s.cli(["cleura", "login"]);
  const valid = await s.cli(["cleura", "whoami", "--json"]);
  assert.equal(valid.code, 0);
  assert.deepEqual(JSON.parse(valid.stdout), {
    login: "alice",
    apiUrl: s.emu.cleuraUrl,
    valid: true,
    // v2 says whose token it is; v1 cannot.
    user: bySpoken({
      v1: null,
      v2: { id: "1000", name: "alice", admin: true },
    }),
  });
  const out = await s.cli(["cleura", "logout"]);
  assert.equal(out.code, 0);
  assert.match(out.stdout, /token is revoked/);
  assert.equal((await s.cli(["cleura", "whoami"])).code, 1);
});

Deno.test("cli drops a cached token that gets a 401 and logs in again", async () => {
  await using s = await setup(ALICE);
  await s.cli(["cleura", "login"]);
  s.emu.expireCleuraTokens();
  const run = await s.cli(["cleura", "domains"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(s.emu.counters.cleuraLogins, 2);
});

Deno.test("cli --no-cache logs in every time", async () => {
  await using s = await setup(ALICE);
  await s.cli(["cleura", "regions", "--no-cache"]);
  await s.cli(["cleura", "regions", "--no-cache"]);
  assert.equal(s.emu.counters.cleuraLogins, 2);
});

Deno.test("cli cleura projects lists every domain's projects, or one domain's", async () => {
  await using s = await setup(ALICE);
  const all = await s.cli(["cleura", "projects"]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(
    all.stdout,
    /^ID +NAME +DEFAULT +ENABLED +DOMAIN +REGIONS\n/,
  );
  assert.equal(all.stdout.trimEnd().split("\n").length, 1 + 2 * 3);
  // v2 does not say which project is a domain's default.
  assert.match(
    all.stdout,
    bySpoken({
      v1: / production +yes +yes +\S+.* Sto2/,
      v2: / production +- +yes +\S+.* Sto2/,
    }),
  );
  const run = await s.cli([
    "cleura",
    "projects",
    "--domain",
    "a018123218f5428ba96d7fb212d90cf2",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ID +NAME +DEFAULT +ENABLED +DESCRIPTION\n/);
  assert.match(
    run.stdout,
    bySpoken({ v1: /staging-3 +no +no/, v2: /staging-3 +- +no/ }),
  );
});

Deno.test("cli itopia jwt prints a JWT signed with ITOPIA_API_KEY", async () => {
  await using s = await setup({
    ITOPIA_API_KEY: KEY,
    ITOPIA_ORGANIZATION_ID: "42",
  });
  const run = await s.cli([
    "itopia",
    "jwt",
    "--organization-id",
    "77",
    "--deployment-id",
    "5",
    "--ttl",
    "120",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const { payload } = await jwtVerify(
    run.stdout.trim(),
    new TextEncoder().encode(KEY),
    {
      audience: "Itopia",
    },
  );
  assert.equal(payload.organizationId, 77);
  assert.equal(payload.deploymentId, 5);
  assert.equal(payload.exp! - payload.iat!, 120);
});

Deno.test("cli itopia jwt names what is missing or wrong (exit 2)", async () => {
  await using s = await setup();
  const noKey = await s.cli(["itopia", "jwt"]);
  assert.equal(noKey.code, 2);
  assert.equal(noKey.stderr.trim(), "error: ITOPIA_API_KEY is not set");
  const badTtl = await s.cli(["itopia", "jwt", "--ttl", "0"], {
    env: { ITOPIA_API_KEY: KEY, ITOPIA_ORGANIZATION_ID: "42" },
  });
  assert.equal(badTtl.code, 2);
  assert.match(
    badTtl.stderr,
    /^error: --ttl must be a whole number of seconds from 1 to 86400, got "0"/,
  );
});

Deno.test("cli itopia login prints the token alone", async () => {
  await using s = await setup({
    ITOPIA_USERNAME: "admin@example.com",
    ITOPIA_PASSWORD: "admin-password",
  });
  const run = await s.cli(["itopia", "login"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim().split(".").length, 3);
});

Deno.test("cli itopia instances prints a table and {instances,total} as JSON", async () => {
  await using s = await setup({
    ITOPIA_API_KEY: KEY,
    ITOPIA_ORGANIZATION_ID: "42",
    ITOPIA_DEPLOYMENT_ID: "101",
  });
  const table = await s.cli(["itopia", "instances"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(
    table.stdout,
    /^ID +NAME +STATUS +INSTANCE TYPE +ZONE +PRIVATE IP\n/,
  );
  assert.match(table.stdout, /5 instances\n$/);
  const json = await s.cli([
    "itopia",
    "instances",
    "--deployment-id",
    "102",
    "--json",
  ]);
  const body = JSON.parse(json.stdout);
  assert.equal(body.total, 1200);
  assert.equal(body.instances.length, 1200);
});

Deno.test("cli itopia instances falls back to the login method", async () => {
  await using s = await setup({
    ITOPIA_USERNAME: "admin@example.com",
    ITOPIA_PASSWORD: "admin-password",
  });
  const run = await s.cli([
    "itopia",
    "instances",
    "--deployment-id",
    "101",
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).total, 5);
  assert.equal(s.emu.counters.itopiaLogins, 1);
});

Deno.test("cli names a bad environment variable (exit 2)", async () => {
  await using s = await setup({
    ITOPIA_API_KEY: KEY,
    ITOPIA_ORGANIZATION_ID: "abc",
  });
  const run = await s.cli(["itopia", "instances", "--deployment-id", "1"]);
  assert.equal(run.code, 2);
  assert.equal(
    run.stderr.trim(),
    'error: ITOPIA_ORGANIZATION_ID must be a whole number, got "abc"',
  );
});

Deno.test("cli refuses secrets as flags without echoing them (exit 2)", async () => {
  await using s = await setup(ALICE);
  const run = await s.cli(["cleura", "regions", "--password=hunter2-canary"]);
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /^error: --password is not accepted: a secret on the command line/,
  );
  assert.ok(!run.stderr.includes("hunter2-canary"));
});

Deno.test("cli reports unknown options, commands and bad flag values (exit 2)", async () => {
  await using s = await setup(ALICE);
  const unknown = await s.cli(["cleura", "regions", "--colour"]);
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr.trim(),
    'error: Unknown option "--colour" (see: cloudgate cleura regions --help)',
  );
  const command = await s.cli(["cleura", "flavors"]);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /^error: Unknown command "cleura flavors"/);
  const id = await s.cli(["itopia", "instances", "--deployment-id", "x1"]);
  assert.equal(id.code, 2);
  assert.match(
    id.stderr,
    /^error: --deployment-id must be a positive whole number, got "x1"/,
  );
  const timeout = await s.cli(["cleura", "regions", "--timeout", "-3"]);
  assert.equal(timeout.code, 2);
});

Deno.test("cli reports an unreachable API as one line (exit 1)", async () => {
  const port = closedPort();
  await using s = await setup({
    ...ALICE,
    CLEURA_API_URL: `http://127.0.0.1:${port}`,
  });
  const run = await s.cli(["cleura", "regions", "--no-cache"]);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr.trim(),
    `error: Cannot log in "alice": cannot reach "127.0.0.1:${port}": connection refused`,
  );
});

Deno.test("the README's usage section matches cli --help", async () => {
  const { code, lines } = await runMain(["--help"], {});
  assert.equal(code, 0);
  const readme = await Deno.readTextFile(
    new URL("../README.md", import.meta.url),
  );
  const usage = lines.join("\n").split("\n").filter((l) =>
    /^\s+(cleura|itopia) \w+ /.test(l) || /^\s+(-h, )?--[\w-]+/.test(l) ||
    l.startsWith("Usage:")
  );
  assert.ok(usage.length >= 14, usage.join("\n"));
  for (const line of usage) {
    assert.ok(readme.includes(line), `README lacks: ${line}`);
  }
});

Deno.test("cli says on stderr that it reads the SMS code from stdin before it waits", async () => {
  await using emu = await startEmulator();
  let asked = "";
  const run = await runMain(
    ["cleura", "regions", "--no-cache"],
    cleuraEnv(emu, "bob"),
    {
      stdin: (err) => {
        asked = err.join("\n");
        return [String(emu.lastSmsCode("bob")).padStart(6, "0")];
      },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    asked,
    /^note: an SMS code was sent to the phone of "bob"; reading it from stdin/m,
  );
});

Deno.test("cli --version prints the version of deno.json", async () => {
  const { code, lines: out } = await runMain(["--version"], {});
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  );
  assert.equal(code, 0);
  assert.deepEqual(out, [`cloudgate ${config.version}`]);
});

Deno.test("main(args, io) finds the token cache in io.env, never in the process's own home", async () => {
  await using emu = await startEmulator();
  const home = await Deno.makeTempDir();
  const real = Deno.env.get("HOME");
  const before = real ? await listing(`${real}/.cache/cloudgate`) : [];
  try {
    const env = { ...cleuraEnv(emu, "alice"), XDG_CACHE_HOME: home };
    const run = await runMain(["cleura", "regions"], env);
    assert.equal(run.code, 0, run.stderr);
    const cached = await listing(`${home}/cloudgate`);
    assert.equal(
      cached.filter((n) => n.endsWith(".json")).length,
      1,
      cached.join(),
    );
    // With no folder named in io.env: no cache, one warning, nothing written.
    const bare = await runMain(["cleura", "regions"], cleuraEnv(emu, "alice"));
    assert.equal(bare.code, 0, bare.stderr);
    assert.match(bare.stderr, /No folder for the token cache/);
    if (real) {
      assert.deepEqual(await listing(`${real}/.cache/cloudgate`), before);
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

/** The names in a folder, sorted; none when it does not exist. */
async function listing(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

Deno.test("a mistyped API, command or flag gets the nearest name as a hint", async () => {
  const cases: [string[], string][] = [
    [
      ["cleura", "regon"],
      'error: Unknown command "cleura regon": did you mean "cleura regions"? (see: cloudgate cleura --help)',
    ],
    [
      ["cleur", "regions"],
      'error: Unknown API "cleur": did you mean "cleura"? (see: cloudgate --help)',
    ],
    [
      ["cleura", "shoot", "lst"],
      'error: Unknown command "cleura shoot lst": did you mean "cleura shoot list"? (see: cloudgate cleura shoot --help)',
    ],
    [
      ["cleura", "regions", "--stauts", "active"],
      'error: Unknown option "--stauts": did you mean "--status"? (see: cloudgate cleura regions --help)',
    ],
    [
      ["--verbose"],
      'error: Unknown option "--verbose": the options go after the command; --version (or -V, -v) prints the version (see: cloudgate --help)',
    ],
    [
      ["cleura", "xyzzy"],
      'error: Unknown command "cleura xyzzy" (see: cloudgate cleura --help)',
    ],
  ];
  for (const [args, line] of cases) {
    const run = await runMain(args, {});
    assert.equal(run.code, 2, args.join(" "));
    assert.deepEqual(run.errLines, [line]);
  }
});

Deno.test("-v, -V and --version print the version alone", async () => {
  for (const flag of ["-v", "-V", "--version"]) {
    const run = await runMain([flag], {});
    assert.equal(run.code, 0, flag);
    assert.deepEqual(run.outLines, [`cloudgate ${VERSION}`], flag);
    assert.deepEqual(run.errLines, [], flag);
  }
});
