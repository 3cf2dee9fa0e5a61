// The secret canary suite: every CLI command and every MCP tool, on success
// and failure paths, with a canary value for every password, API key, token
// and SMS code. No canary may appear in stdout, stderr, log notifications,
// error messages or tool results, except the one token a command or tool was
// asked to return.
import assert from "node:assert/strict";
import { runMain } from "./_helpers/cli.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import { call, memoryClient } from "./_helpers/mcp.ts";

const CLEURA_PW = "CANARY-cleura-password-71c3";
const CLEURA_TOKEN = "CANARY-cleura-token-5d2e";
const ITOPIA_KEY = "CANARY-itopia-api-key-8a1f";
const ITOPIA_PW = "CANARY-itopia-password-3b9c";
const SMS_CODE = 987123;
const CANARIES = [
  CLEURA_PW,
  CLEURA_TOKEN,
  ITOPIA_KEY,
  ITOPIA_PW,
  String(SMS_CODE),
];

/** How many texts were checked against how many canaries, for the note. */
let checked = 0;

function assertClean(text: string, allowed: string[] = []): void {
  for (const canary of CANARIES) {
    checked++;
    if (allowed.includes(canary)) continue;
    assert.ok(!text.includes(canary), `canary ${canary} leaked in:\n${text}`);
  }
}

async function canaryEmulator(): Promise<Emulator> {
  const emu = await startEmulator({
    cleuraUsers: [
      { login: "alice", password: CLEURA_PW, secondFactors: [] },
      { login: "bob", password: CLEURA_PW, secondFactors: ["sms"] },
    ],
    itopiaApiKeys: [{
      key: ITOPIA_KEY,
      organizationId: 42,
      deployments: "all",
    }],
    itopiaAdmins: [{
      username: "admin@example.com",
      password: ITOPIA_PW,
      organizationId: 42,
    }],
    smsCode: () => SMS_CODE,
  });
  emu.issueCleuraToken("alice", CLEURA_TOKEN);
  return emu;
}

/** Runs the CLI in process; stdin answers every prompt, secret or not. */
async function runCli(
  args: string[],
  env: Record<string, string>,
  cacheDir: string,
  stdin: string[] = [],
): Promise<{ code: number; text: string }> {
  const run = await runMain(args, env, {
    cacheDir,
    stdin,
    secretsFromStdin: true,
  });
  return { code: run.code, text: run.lines.join("\n") };
}

Deno.test("canaries: no CLI command shows a secret, on success or failure", async () => {
  await using emu = await canaryEmulator();
  const cacheDir = await Deno.makeTempDir();
  const cleura = {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "bob",
    CLEURA_API_PASSWORD: CLEURA_PW,
  };
  const itopiaKey = {
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_API_KEY: ITOPIA_KEY,
    ITOPIA_ORGANIZATION_ID: "42",
    ITOPIA_DEPLOYMENT_ID: "101",
  };
  const itopiaLogin = {
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_USERNAME: "admin@example.com",
    ITOPIA_PASSWORD: ITOPIA_PW,
    ITOPIA_DEPLOYMENT_ID: "101",
  };
  const code = String(SMS_CODE);
  const wrong = "123456";
  const runs: [
    string[],
    Record<string, string>,
    string[],
    number,
    string[]?,
  ][] = [
    [["cleura", "login", "--debug"], cleura, [code], 0],
    [["cleura", "regions"], cleura, [], 0],
    [["cleura", "regions", "--json"], cleura, [], 0],
    [["cleura", "domains", "--json"], cleura, [], 0],
    [
      ["cleura", "projects", "--domain", "79b0cef45b504586ad0bf057dc4cb8b8"],
      cleura,
      [],
      0,
    ],
    [["cleura", "whoami"], cleura, [], 0],
    [
      ["cleura", "config", "view", "-o", "json"],
      { ...cleura, CLEURA_API_TOKEN: CLEURA_TOKEN },
      [],
      0,
    ],
    [["cleura", "token"], cleura, [], 0],
    [["cleura", "logout"], cleura, [], 0],
    [["cleura", "login", "--send-code"], cleura, [], 0],
    [["cleura", "regions", "--no-cache", "--debug"], cleura, [wrong, wrong], 1],
    [
      ["cleura", "regions", "--no-cache"],
      { ...cleura, CLEURA_API_PASSWORD: `${CLEURA_PW}x` },
      [],
      1,
    ],
    [
      ["cleura", "regions", "--no-cache"],
      {
        ...cleura,
        CLEURA_API_USERNAME: "alice",
        CLEURA_API_PASSWORD: "",
        CLEURA_API_TOKEN: CLEURA_TOKEN,
      },
      [],
      0,
    ],
    [
      ["cleura", "token", "--no-cache"],
      {
        ...cleura,
        CLEURA_API_USERNAME: "alice",
        CLEURA_API_PASSWORD: "",
        CLEURA_API_TOKEN: CLEURA_TOKEN,
      },
      [],
      0,
      [CLEURA_TOKEN],
    ],
    [
      ["cleura", "domains", "--no-cache", "--debug"],
      { ...cleura, CLEURA_API_PASSWORD: "", CLEURA_API_TOKEN: CLEURA_TOKEN },
      [],
      1,
    ],
    [["cleura", "regions", "--password", CLEURA_PW], cleura, [], 2],
    [["cleura", "regions", `--token=${CLEURA_TOKEN}`], cleura, [], 2],
    [["itopia", "jwt"], itopiaKey, [], 0],
    [["itopia", "jwt", "--json"], itopiaKey, [], 0],
    [["itopia", "instances", "--json"], itopiaKey, [], 0],
    [
      ["itopia", "instances"],
      { ...itopiaKey, ITOPIA_API_KEY: `${ITOPIA_KEY}x` },
      [],
      1,
    ],
    [["itopia", "login"], itopiaLogin, [], 0],
    [["itopia", "instances"], itopiaLogin, [], 0],
    [
      ["itopia", "login", "--debug"],
      { ...itopiaLogin, ITOPIA_PASSWORD: `${ITOPIA_PW}x` },
      [],
      1,
    ],
    [["itopia", "jwt", "--api-key", ITOPIA_KEY], itopiaKey, [], 2],
  ];
  try {
    for (const [args, env, stdin, expected, allowed] of runs) {
      const run = await runCli(args, env, cacheDir, [...stdin]);
      assert.equal(run.code, expected, `${args.join(" ")}: ${run.text}`);
      assertClean(run.text, allowed);
    }
    emu.injectFault({
      kind: "status",
      status: 400,
      message: `bad password ${CLEURA_PW} for bob`,
      path: /\/auth\/v[12]\/tokens$/,
    });
    const echoed = await runCli(
      ["cleura", "regions", "--no-cache"],
      cleura,
      cacheDir,
    );
    assert.equal(echoed.code, 1);
    assert.match(echoed.text, /\[redacted\]/);
    assertClean(echoed.text);
    for await (const entry of Deno.readDir(cacheDir)) {
      assertClean(await Deno.readTextFile(`${cacheDir}/${entry.name}`));
    }
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("canaries: no MCP tool shows a secret in results or logs", async () => {
  await using emu = await canaryEmulator();
  const env = {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "bob",
    CLEURA_API_PASSWORD: CLEURA_PW,
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_API_KEY: ITOPIA_KEY,
    ITOPIA_ORGANIZATION_ID: "42",
    ITOPIA_DEPLOYMENT_ID: "101",
  };
  const tools: [string, Record<string, unknown>][] = [
    ["cleura_list_regions", {}],
    ["cleura_list_domains", {}],
    ["cleura_list_projects", { domainId: "79b0cef45b504586ad0bf057dc4cb8b8" }],
    ["cleura_list_projects", { domainId: "missing" }],
    ["cleura_token_status", {}],
    ["itopia_mint_jwt", { ttlSeconds: 60 }],
    ["itopia_mint_jwt", { ttlSeconds: 0 }],
    ["itopia_list_instances", {}],
    ["itopia_list_instances", { deploymentId: 301 }],
    ["itopia_list_instances", { limit: 500 }],
  ];
  const variants: [Record<string, string>, number][] = [
    [env, 0],
    [{
      ...env,
      CLEURA_API_PASSWORD: `${CLEURA_PW}x`,
      ITOPIA_API_KEY: `${ITOPIA_KEY}x`,
    }, 0],
    [{
      ...env,
      CLEURA_API_USERNAME: "alice",
      CLEURA_API_PASSWORD: "",
      CLEURA_API_TOKEN: CLEURA_TOKEN,
    }, 0],
    [{
      ...env,
      CLEURA_API_PASSWORD: "",
      CLEURA_API_TOKEN: CLEURA_TOKEN,
      ITOPIA_API_KEY: "",
      ITOPIA_USERNAME: "admin@example.com",
      ITOPIA_PASSWORD: ITOPIA_PW,
    }, 0],
    [env, 123456],
  ];
  for (const [vars, code] of variants) {
    await using t = await memoryClient(
      vars,
      () =>
        Promise.resolve({
          action: "accept",
          content: { code: code || SMS_CODE },
        }),
    );
    await t.client.setLoggingLevel("debug");
    for (const [name, args] of tools) {
      const result = await call(t.client, name, args);
      assertClean(result.text + JSON.stringify(result.structured ?? {}));
    }
    await new Promise((r) => setTimeout(r, 20));
    assertClean(t.logs.join("\n"));
    assertClean(JSON.stringify(t.elicitations));
  }
});

Deno.test("canaries: the count of checks", () => {
  assert.ok(checked >= 400, `${checked}`);
  console.log(`canaries: ${checked} canary checks`);
});
