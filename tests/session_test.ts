import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { creds } from "./_helpers/accounts.ts";
import { bySpoken, startEmulator } from "./_helpers/emulator.ts";
import {
  ApiError,
  AuthError,
  cleuraConfig,
  CleuraSession,
  type CloudgateError,
  ConfigError,
  listDomains,
  listProjects,
  listRegions,
  LoginRequiredError,
  type SessionEvent,
  TokenCache,
} from "../mod.ts";

async function tempCache(): Promise<TokenCache & AsyncDisposable> {
  const dir = await Deno.makeTempDir();
  const cache = new TokenCache({ dir }) as TokenCache & AsyncDisposable;
  cache[Symbol.asyncDispose] = () => Deno.remove(dir, { recursive: true });
  return cache;
}

Deno.test("listRegions() flattens the seed's domains into one row per region", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession(creds(emu, "alice"));
  const regions = await listRegions(session);
  assert.deepEqual(regions.map((r) => r.region), ["Sto2", "Fra1", "Kna1"]);
  assert.deepEqual(regions[0], {
    region: "Sto2",
    name: "Stockholm / Sweden",
    status: bySpoken({ v1: "active", v2: null }),
    zoneId: "2",
    areaId: "6",
    areaName: "Sweden / Stockholm",
    areaTag: "SE_STO2",
    domainId: "79b0cef45b504586ad0bf057dc4cb8b8",
    domainName: "CCP_Domain_43597",
    domainStatus: "provisioned",
    domainEnabled: true,
  });
});

Deno.test("listProjects() lists a domain's projects and names an unknown domain", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession(creds(emu, "alice"));
  const projects = await listProjects(session, {
    domainId: "08db589d04f442e19c272f2cd1a02906",
  });
  assert.deepEqual(projects.map((p) => p.name), ["production", "staging-2"]);
  assert.equal(projects[0]?.domain_id, "08db589d04f442e19c272f2cd1a02906");
  // v1 answers 404; v2 lists no project, and the domains say there is none.
  await rejection(
    listProjects(session, { domainId: "nope" }),
    bySpoken<abstract new (...args: never[]) => CloudgateError>({
      v1: ApiError,
      v2: ConfigError,
    }),
    bySpoken({
      v1:
        'Cannot list the projects of domain "nope": the server answered 404: Domain not found',
      v2:
        'Cannot list the projects of domain "nope": the account has no such domain',
    }),
  );
});

Deno.test("CleuraSession shares one login and one SMS among 20 concurrent calls", async () => {
  await using emu = await startEmulator();
  let asked = 0;
  const session = new CleuraSession({
    ...creds(emu, "bob"),
    askCode: async ({ login }) => {
      asked++;
      await new Promise((r) => setTimeout(r, 20));
      return emu.lastSmsCode(login);
    },
  });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => listDomains(session)),
  );
  assert.equal(results.length, 20);
  assert.equal(emu.counters.cleuraLogins, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(asked, 1);
});

Deno.test("CleuraSession logs in again once after a 401 and retries the call", async () => {
  await using emu = await startEmulator();
  const events: SessionEvent["type"][] = [];
  const session = new CleuraSession({
    ...creds(emu, "alice"),
    onEvent: (e) => events.push(e.type),
  });
  await listDomains(session);
  emu.expireCleuraTokens("alice");
  await Promise.all([listDomains(session), listDomains(session)]);
  assert.equal(emu.counters.cleuraLogins, 2);
  assert.ok(events.includes("token-rejected"));
});

Deno.test("CleuraSession with only a token reports a rejected token clearly", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: "expired-token-canary",
  });
  const error = await rejection(
    listDomains(session),
    AuthError,
    /has expired or was revoked .*cloudgate cleura token.*CLEURA_API_TOKEN/,
  );
  assert.doesNotMatch(error.message, /expired-token-canary/);
  assert.equal(emu.counters.cleuraPasswordPosts, 0);
});

Deno.test("CleuraSession uses a given token without logging in", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession({
    ...creds(emu, "alice"),
    token: emu.issueCleuraToken("alice"),
  });
  await listRegions(session);
  assert.equal(emu.counters.cleuraPasswordPosts, 0);
});

Deno.test("CleuraSession reuses a cached token across sessions", async () => {
  await using emu = await startEmulator();
  await using cache = await tempCache();
  const options = {
    ...creds(emu, "bob"),
    twofa: "sms" as const,
    askCode: () => Promise.resolve(emu.lastSmsCode("bob")),
    cache,
  };
  await listRegions(new CleuraSession(options));
  const events: SessionEvent[] = [];
  await listRegions(
    new CleuraSession({ ...options, onEvent: (e) => events.push(e) }),
  );
  assert.equal(emu.counters.cleuraLogins, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.deepEqual(events[0], {
    type: "token-reused",
    login: "bob",
    source: "cache",
  });
});

Deno.test("CleuraSession drops a cached token that gets a 401 and logs in again", async () => {
  await using emu = await startEmulator();
  await using cache = await tempCache();
  const options = {
    ...creds(emu, "alice"),
    cache,
  };
  await listRegions(new CleuraSession(options));
  const first = await cache.get(options);
  emu.expireCleuraTokens();
  await listRegions(new CleuraSession(options));
  const second = await cache.get(options);
  assert.equal(emu.counters.cleuraLogins, 2);
  assert.ok(first && second && first.token !== second.token);
});

Deno.test("CleuraSession.logout() revokes the token and deletes the cache entry", async () => {
  await using emu = await startEmulator();
  await using cache = await tempCache();
  const session = new CleuraSession({
    ...creds(emu, "alice"),
    cache,
  });
  await listRegions(session);
  assert.equal(await session.validate(), true);
  assert.equal(await session.logout(), true);
  assert.equal(await cache.get(session), undefined);
  assert.equal(await session.validate(), false);
  assert.equal(await session.logout(), false);
});

Deno.test("CleuraSession without a password or token says what is missing", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession({ apiUrl: emu.cleuraUrl, login: "alice" });
  await rejection(
    listRegions(session),
    AuthError,
    /CLEURA_API_PASSWORD/,
  );
});

Deno.test("CleuraSession.fromConfig() names the missing variables", () => {
  assert.throws(
    () => CleuraSession.fromConfig(cleuraConfig({})),
    new ConfigError("CLEURA_API_USERNAME is not set"),
  );
  assert.throws(
    () =>
      CleuraSession.fromConfig(cleuraConfig({ CLEURA_API_USERNAME: "alice" })),
    new ConfigError("Neither CLEURA_API_PASSWORD nor CLEURA_API_TOKEN is set"),
  );
  const session = CleuraSession.fromConfig(
    cleuraConfig({ CLEURA_API_USERNAME: "alice", CLEURA_API_TOKEN: "t" }),
  );
  assert.equal(session.login, "alice");
});

Deno.test("a stepwise login sends one SMS per challenge, keeps it open after a wrong code, and stores the token", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession(creds(emu, "bob"));
  assert.equal(await session.storedToken(), undefined);
  await assert.rejects(
    listRegions(session, { login: false }),
    LoginRequiredError,
  );
  const [a, b] = await Promise.all([
    session.steps.begin(),
    session.steps.begin(),
  ]);
  assert.equal(a.kind, "sms");
  assert.deepEqual(a, b, "one password post for concurrent callers");
  if (a.kind !== "sms") return;
  await Promise.all([
    session.steps.sendSms(a.verification),
    session.steps.sendSms(a.verification),
  ]);
  assert.equal(emu.counters.smsSent, 1);
  const again = await session.steps.begin();
  assert.equal(again.kind === "sms" && again.verification, a.verification);
  assert.ok(again.kind === "sms" && again.smsSentAt !== undefined);
  const code = emu.lastSmsCode("bob")!;
  await assert.rejects(
    session.steps.finish(a.verification, (code + 1) % 1_000_000),
    ApiError,
  );
  await session.steps.finish(a.verification, code);
  assert.ok(await session.storedToken());
  assert.equal((await listRegions(session, { login: false })).length, 3);
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("a stepwise login never sends two SMS to one account within 60 seconds", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession(creds(emu, "bob"));
  const first = await session.steps.begin();
  assert.ok(first.kind === "sms");
  await session.steps.sendSms(first.verification);
  session.steps.drop(first.verification);
  const second = await session.steps.begin();
  assert.ok(second.kind === "sms");
  assert.notEqual(second.verification, first.verification);
  await assert.rejects(
    session.steps.sendSms(second.verification),
    /Cannot send another SMS code to "bob" yet: wait \d+ s/,
  );
  await assert.rejects(
    session.steps.sendSms("not-a-challenge"),
    /the login has expired/,
  );
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("a stepwise login of an account without two-factor gives the token at once", async () => {
  await using emu = await startEmulator();
  const session = new CleuraSession(creds(emu, "alice"));
  assert.deepEqual(await session.steps.begin(), { kind: "token" });
  assert.ok(await session.storedToken());
  assert.equal(emu.counters.smsSent, 0);
});
