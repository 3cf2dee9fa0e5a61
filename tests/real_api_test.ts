// What the real APIs do that the seeds do not show (see the README's notes on
// the APIs): a 403 for an expired token, nullable and unknown fields, both
// answers of a plain two-factor login, and itopia's ambiguous token lifetime.
// Each through the library, the CLI and an MCP client.

import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { cleuraEnv, creds, itopiaAdmin } from "./_helpers/accounts.ts";
import { runMain } from "./_helpers/cli.ts";
import { tempDir } from "./_helpers/temp.ts";
import {
  type EmulatorOptions,
  QUIRKY_DOMAINS,
  startEmulator,
} from "./_helpers/emulator.ts";
import {
  ApiError,
  CleuraSession,
  ItopiaAuth,
  type ItopiaAuthEvent,
  listRegions,
  loginCleura,
  readItopiaExpiry,
  TokenCache,
} from "../mod.ts";
import { call, memoryClient } from "./_helpers/mcp.ts";

// --- An expired or revoked token answers 403 -------------------------------

for (const status of [403, 401] as const) {
  Deno.test(`library: a cached token refused with ${status} is dropped, one login runs, the call is repeated`, async () => {
    await using emu = await startEmulator({ rejectedTokenStatus: status });
    await using dir = await tempDir();
    const cache = new TokenCache({ dir: dir.path });
    await cache.set({
      apiUrl: emu.cleuraUrl,
      login: "alice",
      token: emu.issueCleuraToken("alice"),
    });
    emu.expireCleuraTokens("alice");
    const session = new CleuraSession({ ...creds(emu, "alice"), cache });
    assert.equal((await listRegions(session)).length, 3);
    assert.equal(emu.counters.cleuraLogins, 1);
    const saved = await cache.get({ apiUrl: emu.cleuraUrl, login: "alice" });
    assert.ok(saved && emu.counters.cleuraLogins === 1);
    assert.notEqual(saved.token, undefined);
  });
}

Deno.test("CLI: a cached token that expired overnight (403) means one new login, with one SMS", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const env = cleuraEnv(emu, "bob", { XDG_CACHE_HOME: dir.path });
  const stdin = () => [String(emu.lastSmsCode("bob")).padStart(6, "0")];
  const regions = () => runMain(["cleura", "regions"], env, { stdin });
  assert.equal((await regions()).code, 0);
  emu.expireCleuraTokens("bob");
  const again = await regions();
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Sto2/);
  assert.equal(emu.counters.smsSent, 2);
  assert.equal(emu.counters.cleuraLogins, 2);
  const third = await regions();
  assert.equal(third.code, 0);
  assert.equal(emu.counters.cleuraLogins, 2, "the new token was cached");
});

Deno.test("CLI: with only CLEURA_API_TOKEN, an expired token says so and how to get a new one", async () => {
  await using emu = await startEmulator();
  const token = emu.issueCleuraToken("alice");
  emu.expireCleuraTokens("alice");
  const run = await runMain(["cleura", "regions", "--no-cache"], {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_TOKEN: token,
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^error: .*has expired or was revoked/);
  assert.match(run.stderr, /cleura token/);
  assert.ok(!run.stderr.includes(token));
  const whoami = await runMain(["cleura", "whoami", "--no-cache"], {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_TOKEN: token,
  });
  assert.doesNotMatch(whoami.stderr, /Unexpected|stack/i, whoami.stderr);
  assert.match(`${whoami.stdout}\n${whoami.stderr}`, /no valid token/);
});

Deno.test("a 403 for anything but the token is a permission error and never logs in", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession({
    ...creds(emu, "alice"),
    token: emu.issueCleuraToken("alice"),
  });
  emu.injectFault({
    path: "/domains",
    kind: "status",
    status: 403,
    message: "No access: Your user does not have access to this method.",
  });
  await rejection(
    listRegions(session),
    ApiError,
    /^Cannot list domains: the server answered 403: No access/,
  );
  assert.equal(emu.counters.cleuraPasswordPosts, 0);
});

Deno.test("MCP: a token refused with 403 mid-session is replaced by one login; cleura_token_status says not valid", async () => {
  await using emu = await startEmulator();
  await using t = await memoryClient(cleuraEnv(emu, "alice"));
  assert.equal((await call(t.client, "cleura_list_regions")).isError, false);
  const status1 = await call(t.client, "cleura_token_status");
  assert.equal(status1.structured?.valid, true);
  emu.expireCleuraTokens("alice");
  const status2 = await call(t.client, "cleura_token_status");
  assert.equal(status2.isError, false, status2.text);
  assert.equal(status2.structured?.valid, false);
  const again = await call(t.client, "cleura_list_regions");
  assert.equal(again.isError, false, again.text);
  assert.equal(emu.counters.cleuraLogins, 2);
});

// --- Tolerant parsing, strict reporting -------------------------------------

Deno.test("CLI and MCP list what can be read of odd domains and warn about the rest", async () => {
  await using emu = await startEmulator({ domains: QUIRKY_DOMAINS });
  const run = await runMain(
    ["cleura", "regions", "--no-cache"],
    cleuraEnv(emu, "alice"),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(
    run.stdout.split("\n").slice(1).map((l) => l.split(/\s+/)[0]),
    ["Sto2", "Fra1", "Kna1"],
  );
  assert.equal(
    run.stderr.split("\n").filter((l) => l.startsWith("warning: Left out"))
      .length,
    2,
  );
  const json = await runMain(
    ["cleura", "domains", "--json", "--no-cache"],
    cleuraEnv(emu, "alice"),
  );
  const { domains } = JSON.parse(json.stdout) as {
    domains: Record<string, unknown>[];
  };
  assert.equal(domains[1]!.name, null);
  assert.equal(domains[1]!.error, "The domain is being provisioned");

  await using t = await memoryClient(cleuraEnv(emu, "alice"));
  await t.client.setLoggingLevel("warning");
  const regions = await call(t.client, "cleura_list_regions");
  assert.equal(regions.isError, false, regions.text);
  assert.equal((regions.structured?.regions as unknown[]).length, 3);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(
    t.logs.filter((l) => l.startsWith("warning: Left out")).length,
    2,
  );
});

// --- Two-factor variants ----------------------------------------------------

for (const plainLogin of ["twofactor_required", "twofactor_options"] as const) {
  const users: EmulatorOptions["cleuraUsers"] = [
    {
      login: "erin",
      password: "erin-password",
      secondFactors: ["sms"],
      plainLogin,
    },
  ];
  Deno.test(`a plain login answered ${plainLogin} logs in through the library, the CLI and MCP with one SMS each`, async () => {
    await using emu = await startEmulator({ cleuraUsers: users });
    const token = await loginCleura(
      { apiUrl: emu.cleuraUrl, login: "erin", password: "erin-password" },
      { askCode: () => Promise.resolve(emu.lastSmsCode("erin")) },
    );
    assert.ok(token.token);
    assert.equal(
      emu.counters.cleuraPasswordPosts,
      plainLogin === "twofactor_options" ? 2 : 1,
    );
    const run = await runMain(
      ["cleura", "regions", "--no-cache"],
      cleuraEnv(emu, "erin"),
      { stdin: () => [String(emu.lastSmsCode("erin")).padStart(6, "0")] },
    );
    assert.equal(run.code, 0, run.stderr);
    await using t = await memoryClient(
      cleuraEnv(emu, "erin"),
      () =>
        Promise.resolve({
          action: "accept",
          content: { code: emu.lastSmsCode("erin")! },
        }),
    );
    assert.equal((await call(t.client, "cleura_list_regions")).isError, false);
    assert.equal(emu.counters.smsSent, 3);
    assert.equal(emu.counters.cleuraLogins, 3);
  });
}

Deno.test("a wrong code is retried with the same SMS in the library and the CLI", async () => {
  await using emu = await startEmulator();
  let tries = 0;
  await loginCleura(
    { apiUrl: emu.cleuraUrl, login: "bob", password: "bob-password" },
    {
      askCode: () =>
        Promise.resolve(
          tries++ === 0
            ? (emu.lastSmsCode("bob")! + 1) % 1_000_000
            : emu.lastSmsCode("bob"),
        ),
    },
  );
  assert.equal(emu.counters.smsSent, 1);
  const run = await runMain(
    ["cleura", "regions", "--no-cache"],
    cleuraEnv(emu, "bob"),
    {
      stdin: () => {
        const code = emu.lastSmsCode("bob")!;
        return [
          String((code + 1) % 1_000_000).padStart(6, "0"),
          String(code).padStart(6, "0"),
        ];
      },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    emu.counters.smsSent,
    2,
    "one SMS for each login, none for the retry",
  );
});

// --- itopia token lifetime --------------------------------------------------

Deno.test("readItopiaExpiry() reads epoch seconds, epoch milliseconds and small lifetimes, capped at one hour", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const at = (s: string) => new Date(s).getTime();
  assert.deepEqual(readItopiaExpiry(at("2026-01-01T00:30:00Z") / 1000, now), {
    expiresAt: new Date("2026-01-01T00:30:00Z"),
    reading: "epoch-seconds",
    capped: false,
  });
  assert.equal(
    readItopiaExpiry(at("2026-01-01T00:30:00Z"), now).reading,
    "epoch-ms",
  );
  assert.deepEqual(readItopiaExpiry(60, now), {
    expiresAt: new Date("2026-01-01T00:01:00Z"),
    reading: "lifetime-seconds",
    capped: false,
  });
  const far = readItopiaExpiry(at("2027-01-01T00:00:00Z") / 1000, now);
  assert.equal(far.capped, true);
  assert.equal(far.expiresAt.toISOString(), "2026-01-01T01:00:00.000Z");
  assert.equal(readItopiaExpiry(undefined, now).reading, "missing");
});

for (
  const style of ["lifetime-seconds", "epoch-ms", "epoch-seconds"] as const
) {
  Deno.test(`itopia: a 60 s token given as ${style} is reused, not fetched on every call`, async () => {
    await using emu = await startEmulator({
      itopiaExpiration: style,
      itopiaTokenTtlSeconds: 60,
    });
    const events: ItopiaAuthEvent[] = [];
    const auth = new ItopiaAuth({
      ...itopiaAdmin(emu),
      onEvent: (e) => events.push(e),
    });
    const first = await auth.token();
    assert.equal(await auth.token(), first);
    assert.equal(await auth.token(), first);
    assert.equal(emu.counters.itopiaLogins, 1);
    const lifetime = events.find((e) => e.type === "token-lifetime");
    assert.ok(lifetime && lifetime.type === "token-lifetime");
    assert.equal(lifetime.reading, style);
    assert.ok(
      lifetime.seconds >= 25 && lifetime.seconds <= 30,
      String(lifetime.seconds),
    );
  });
}

Deno.test("CLI --debug says how the itopia token's expiry was read", async () => {
  await using emu = await startEmulator({
    itopiaExpiration: "lifetime-seconds",
    itopiaTokenTtlSeconds: 60,
  });
  const run = await runMain([
    "itopia",
    "instances",
    "--deployment-id",
    "101",
    "--debug",
  ], {
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_USERNAME: "admin@example.com",
    ITOPIA_PASSWORD: "admin-password",
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /debug: the itopia token's expiry was read as lifetime-seconds; it is used for \d+ s/,
  );
});
