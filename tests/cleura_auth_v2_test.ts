// Cleura auth on both generations: v2 as Cleura's CLI speaks it, `auto`
// falling back to v1 without a second password post or SMS, a pinned
// generation the API lacks, and the two-step login on v2.
import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { creds } from "./_helpers/accounts.ts";
import { runMain } from "./_helpers/cli.ts";
import { call, memoryClient } from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import {
  ApiError,
  cleuraConfig,
  CleuraSession,
  ConfigError,
  loginCleura,
  requestSmsCode,
  revokeToken,
  startLogin,
  validateToken,
  verifySmsCode,
} from "../mod.ts";
import { rememberedGeneration } from "../lib/cleura/auth_generation.ts";
import { cleuraHeaders } from "../lib/cleura/token.ts";

/** The requests the emulator answered on one route. */
function hits(emu: Emulator, route: string): number {
  return emu.counters.byRoute[route] ?? 0;
}

/** An `askCode` that answers with the codes given, then with the last SMS's. */
function codes(emu: Emulator, login: string, ...first: number[]) {
  const asked: { attempt: number; previousError?: string }[] = [];
  return {
    asked,
    askCode: (request: { attempt: number; previousError?: string }) => {
      asked.push(request);
      return Promise.resolve(first.shift() ?? emu.lastSmsCode(login));
    },
  };
}

Deno.test("startLogin() on v2 gets a token from a 201 login_ok, with no v1 request", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const start = await startLogin(creds(emu, "alice"), { apiVersion: "v2" });
  assert.equal(start.kind, "token");
  assert.equal(hits(emu, "POST /auth/v2/tokens"), 1);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.cleuraLogins, 1);
  assert.ok(
    Object.keys(emu.counters.byRoute).every((r) => !r.includes("/v1/")),
  );
});

Deno.test("loginCleura() on v2 logs in with one SMS: request-sms-code, then tokens-by-sms-code", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const { askCode } = codes(emu, "bob");
  const session = await loginCleura(creds(emu, "bob"), { askCode });
  assert.ok(await validateToken(session, { apiVersion: "v2" }));
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.smsVerifications, 1);
  assert.equal(hits(emu, "POST /auth/v2/tokens"), 1);
  assert.equal(hits(emu, "POST /auth/v2/request-sms-code"), 1);
  assert.equal(hits(emu, "POST /auth/v2/tokens-by-sms-code"), 1);
  assert.equal(hits(emu, "POST /auth/v1/tokens"), 0);
  assert.equal(rememberedGeneration(emu.cleuraUrl), "v2");
});

Deno.test("loginCleura() on v2 answers twofactor_options by posting again with two_factor_method sms", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const { askCode } = codes(emu, "carol");
  await loginCleura(creds(emu, "carol"), { askCode, apiVersion: "v2" });
  assert.equal(hits(emu, "POST /auth/v2/tokens"), 2);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.cleuraLogins, 1);
});

Deno.test("loginCleura() on v2 asks again after a wrong code, with the same SMS", async () => {
  await using emu = await startEmulator({
    smsCode: () => 424242,
    cleuraGenerations: ["v2"],
  });
  const { askCode, asked } = codes(emu, "bob", 111111);
  await loginCleura(creds(emu, "bob"), { askCode, apiVersion: "v2" });
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.smsVerifications, 2);
  assert.deepEqual(asked.map((a) => a.attempt), [1, 2]);
  assert.match(
    asked[1]!.previousError!,
    /answered 400: Invalid two-factor code/,
  );
});

Deno.test("auto on a v1-only API: one password post, one SMS, and v1 remembered for the URL", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const { askCode } = codes(emu, "bob");
  const token = await loginCleura(creds(emu, "bob"), { askCode });
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.smsVerifications, 1);
  // The probe: a 404 that checked nothing; the SMS steps went to v1 at once.
  assert.equal(hits(emu, "POST /auth/v2/tokens"), 1);
  assert.equal(hits(emu, "POST /auth/v1/tokens"), 1);
  assert.equal(hits(emu, "POST /auth/v2/request-sms-code"), 0);
  assert.equal(hits(emu, "POST /auth/v2/tokens-by-sms-code"), 0);
  assert.equal(rememberedGeneration(emu.cleuraUrl), "v1");
  assert.ok(await validateToken(token));
  assert.equal(hits(emu, "POST /auth/v2/tokens/validate"), 0);
  await startLogin(creds(emu, "alice"));
  assert.equal(hits(emu, "POST /auth/v2/tokens"), 1);
  assert.equal(emu.counters.cleuraPasswordPosts, 2);
});

Deno.test("a pinned generation the API lacks fails with one clear line and posts no password", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const error = await rejection(
    startLogin(creds(emu, "alice"), { apiVersion: "v1" }),
    ConfigError,
  );
  assert.equal(
    error.message,
    `Cannot log in "alice": the API at "${emu.cleuraUrl}" has no v1 auth (it answered 404); set CLEURA_API_VERSION to "auto" or "v2"`,
  );
  assert.ok(error.cause instanceof ApiError);
  assert.equal(emu.counters.cleuraPasswordPosts, 0);
});

Deno.test("the CLI with CLEURA_API_VERSION=v1 on a v2-only API prints that one line, exit 2 (a setting error)", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  await using cache = await tempDir();
  const run = await runMain(["cleura", "regions", "--no-cache"], {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: "alice-password",
    CLEURA_API_VERSION: "v1",
  }, { cacheDir: cache.path });
  assert.equal(run.code, 2);
  assert.deepEqual(run.errLines, [
    `error: Cannot log in "alice": the API at "${emu.cleuraUrl}" has no v1 auth (it answered 404); set CLEURA_API_VERSION to "auto" or "v2"`,
  ]);
  assert.ok(!run.stderr.includes("alice-password"));
});

Deno.test("validateToken() and revokeToken() on v2 use /auth/v2/tokens/validate and DELETE /auth/v2/tokens", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const token = {
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
  };
  assert.ok(await validateToken(token, { apiVersion: "v2" }));
  await revokeToken(token, { apiVersion: "v2" });
  assert.equal(await validateToken(token, { apiVersion: "v2" }), false);
  assert.equal(hits(emu, "POST /auth/v2/tokens/validate"), 2);
  assert.equal(hits(emu, "DELETE /auth/v2/tokens"), 1);
});

Deno.test("the two-step login runs on v2: begin, one SMS, a wrong code, then the right one", async () => {
  await using emu = await startEmulator({
    cleuraGenerations: ["v2"],
    smsCode: () => 135790,
  });
  const session = new CleuraSession({
    apiUrl: emu.cleuraUrl,
    login: "bob",
    password: "bob-password",
    apiVersion: "v2",
  });
  const step = await session.steps.begin();
  assert.equal(step.kind, "sms");
  if (step.kind !== "sms") return;
  await session.steps.sendSms(step.verification);
  await assert.rejects(session.steps.finish(step.verification, "111111"));
  await session.steps.finish(step.verification, "135790");
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.smsVerifications, 2);
  assert.equal(hits(emu, "POST /auth/v2/tokens-by-sms-code"), 2);
  assert.ok(await session.validate());
});

Deno.test("the CLI's --send-code and --verify log in on v2 with one SMS", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  await using cache = await tempDir();
  const env = {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "bob",
    CLEURA_API_PASSWORD: "bob-password",
  };
  const send = await runMain(["cleura", "login", "--send-code"], env, {
    cacheDir: cache.path,
  });
  assert.equal(send.code, 0, send.stderr);
  const verify = await runMain(["cleura", "login", "--verify"], {
    ...env,
    CLEURA_VERIFICATION: send.stdout.trim(),
  }, {
    cacheDir: cache.path,
    stdin: () => [String(emu.lastSmsCode("bob"))],
  });
  assert.equal(verify.code, 0, verify.stderr);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(hits(emu, "POST /auth/v2/tokens-by-sms-code"), 1);
});

Deno.test("the emulator's GET /identity/v2/current-user names the token's account", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const token = {
    apiUrl: emu.cleuraUrl,
    login: "bob",
    token: emu.issueCleuraToken("bob"),
  };
  const response = await fetch(`${emu.cleuraUrl}/identity/v2/current-user`, {
    headers: cleuraHeaders(token),
  });
  const user = await response.json();
  assert.equal(response.status, 200);
  assert.equal(user.name, "bob");
  assert.equal(user.two_factor_login.sms.status, "active");
  const anonymous = await fetch(`${emu.cleuraUrl}/identity/v2/current-user`);
  assert.equal(anonymous.status, 403);
  await anonymous.body?.cancel();
});

Deno.test("an emulator without v2 answers its paths 404", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const response = await fetch(`${emu.cleuraUrl}/auth/v2/tokens`, {
    method: "POST",
    body: JSON.stringify({ login: "alice", password: "alice-password" }),
  });
  assert.equal(response.status, 404);
  await response.body?.cancel();
  assert.equal(emu.counters.cleuraPasswordPosts, 0);
});

Deno.test("CLEURA_API_VERSION takes auto, v2 or v1 and names itself otherwise", () => {
  assert.equal(cleuraConfig({ CLEURA_API_VERSION: "v1" }).apiVersion, "v1");
  assert.equal(cleuraConfig({}).apiVersion, undefined);
  assert.throws(
    () => cleuraConfig({ CLEURA_API_VERSION: "v3" }),
    (e: Error) =>
      e instanceof ConfigError && /CLEURA_API_VERSION/.test(e.message) &&
      /"auto", "v2" or "v1"/.test(e.message),
  );
});

Deno.test("auto in a process that knows nothing of the URL (the second half of a two-step login) finds v1 with one SMS", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const start = await startLogin(creds(emu, "bob"), { twofa: "sms" });
  if (start.kind !== "sms") throw new Error("expected an SMS challenge");
  // The same server under another name: nothing is remembered for it.
  const fresh = emu.cleuraUrl.replace("127.0.0.1", "localhost");
  assert.equal(rememberedGeneration(fresh), undefined);
  const challenge = {
    apiUrl: emu.cleuraUrl,
    login: "bob",
    verification: start.verification,
  };
  await requestSmsCode(challenge);
  await verifySmsCode({
    ...challenge,
    apiUrl: fresh,
    code: emu.lastSmsCode("bob")!,
  });
  assert.equal(rememberedGeneration(fresh), "v1");
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.smsVerifications, 1);
  // The probe of the code's step was a 404 that used none of its tries.
  assert.equal(hits(emu, "POST /auth/v2/request-sms-code"), 0);
  assert.equal(hits(emu, "POST /auth/v2/tokens-by-sms-code"), 1);
  assert.equal(hits(emu, "POST /auth/v1/tokens/verify2fa"), 1);
});

Deno.test("the MCP server on a v1-only API logs in on auto with one password post and one SMS", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  await using t = await memoryClient(
    {
      CLEURA_API_URL: emu.cleuraUrl,
      CLEURA_API_USERNAME: "bob",
      CLEURA_API_PASSWORD: "bob-password",
    },
    () =>
      Promise.resolve({
        action: "accept",
        content: { code: emu.lastSmsCode("bob")! },
      }),
  );
  const result = await call(t.client, "cleura_list_regions");
  assert.equal(result.isError, false, result.text);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(hits(emu, "POST /auth/v1/tokens"), 1);
});

// The auth guarantees on auto in each of the emulator's three modes.
for (
  const generations of [["v1"], ["v2"], ["v1", "v2"]] as ("v1" | "v2")[][]
) {
  const mode = generations.join("+");
  for (
    const [login, posts, sms] of [
      ["alice", 1, 0],
      ["bob", 1, 1],
      ["carol", 2, 1],
    ] as const
  ) {
    Deno.test(`auto on ${mode}: ${login} logs in (${posts} password post(s), ${sms} SMS), validates, logs out`, async () => {
      await using emu = await startEmulator({ cleuraGenerations: generations });
      const { askCode } = codes(emu, login);
      const token = await loginCleura(creds(emu, login), { askCode });
      assert.equal(emu.counters.cleuraPasswordPosts, posts);
      assert.equal(emu.counters.smsSent, sms);
      assert.equal(emu.counters.cleuraLogins, 1);
      assert.ok(await validateToken(token));
      await revokeToken(token);
      assert.equal(await validateToken(token), false);
      const used = generations.includes("v2") ? "v2" : "v1";
      assert.equal(rememberedGeneration(emu.cleuraUrl), used);
      assert.equal(hits(emu, `DELETE /auth/${used}/tokens`), 1);
    });
  }

  Deno.test(`auto on ${mode}: a wrong code is asked again with the same SMS`, async () => {
    await using emu = await startEmulator({
      cleuraGenerations: generations,
      smsCode: () => 97531,
    });
    const { askCode, asked } = codes(emu, "bob", 13579);
    await loginCleura(creds(emu, "bob"), { askCode });
    assert.equal(emu.counters.cleuraPasswordPosts, 1);
    assert.equal(emu.counters.smsSent, 1);
    assert.equal(emu.counters.smsVerifications, 2);
    assert.equal(asked.length, 2);
  });
}
