import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { creds } from "./_helpers/accounts.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import {
  ApiError,
  AuthError,
  loginCleura,
  parseSmsCode,
  requestSmsCode,
  revokeToken,
  startLogin,
  validateToken,
  verifySmsCode,
} from "../mod.ts";
import { httpRequest } from "../lib/http.ts";

// How each kind of account starts: alice (no 2FA) gets a token; bob with SMS
// asked up front, and carol after twofactor_options, get an SMS challenge.
for (
  const [name, login, options, kind, counters] of [
    [
      "returns a token for an account without 2FA",
      "alice",
      {},
      "token",
      { cleuraLogins: 1 },
    ],
    [
      "returns an SMS challenge when SMS is asked up front",
      "bob",
      { twofa: "sms" },
      "sms",
      { cleuraPasswordPosts: 1, smsSent: 0 },
    ],
    [
      "answers twofactor_options by asking again once with SMS",
      "carol",
      {},
      "sms",
      { cleuraPasswordPosts: 2 },
    ],
  ] as const
) {
  Deno.test(`startLogin() ${name}`, async () => {
    await using emu = await startEmulator();
    const start = await startLogin(creds(emu, login), options);
    assert.equal(start.kind, kind);
    for (const [counter, count] of Object.entries(counters)) {
      assert.equal(
        emu.counters[counter as keyof typeof emu.counters],
        count,
        counter,
      );
    }
  });
}

Deno.test("startLogin() explains what to do for a WebAuthn-only account", async () => {
  await using emu = await startEmulator();
  const error = await rejection(
    startLogin(creds(emu, "dave")),
    AuthError,
    /only WebAuthn/,
  );
  assert.match(error.message, /CLEURA_API_TOKEN/);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
});

for (const [apiVersion, status] of [["v1", 401], ["v2", 400]] as const) {
  Deno.test(`startLogin() reports a wrong password without showing it (${apiVersion})`, async () => {
    await using emu = await startEmulator({ cleuraGenerations: [apiVersion] });
    const error = await rejection(
      startLogin({
        apiUrl: emu.cleuraUrl,
        login: "alice",
        password: "wrong-canary-7f3k9q",
      }, { apiVersion }),
      ApiError,
    );
    assert.equal(error.status, status);
    assert.equal(
      error.message,
      `Cannot log in "alice": the server answered ${status}: Invalid login or password`,
    );
    assert.equal(emu.counters.cleuraPasswordPosts, 1);
  });
}

Deno.test("startLogin() turns an unknown result into an ApiError that does not echo it", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "json", body: { result: "password_expired" } });
  const error = await rejection(
    startLogin(creds(emu, "alice")),
    ApiError,
  );
  assert.equal(error.result, "password_expired");
  assert.equal(
    error.message,
    'Cannot log in "alice": the server answered 200: an unexpected result (not login_ok, twofactor_required or twofactor_options)',
  );
});

for (const apiVersion of ["v1", "v2"] as const) {
  Deno.test(`startLogin() reports a body of the wrong shape as a format error (${apiVersion})`, async () => {
    await using emu = await startEmulator();
    emu.injectFault({ kind: "wrong-shape" });
    const error = await startLogin(creds(emu, "alice"), { apiVersion })
      .catch((e) => e);
    assert.equal(error.name, "ResponseFormatError");
    assert.match(
      error.message,
      new RegExp(
        `^Cannot log in "alice": the response of /auth/${apiVersion}/tokens has an unexpected shape at "result"`,
      ),
    );
  });
}

Deno.test("the three SMS steps give a token; the code travels as an integer", async () => {
  await using emu = await startEmulator();
  const start = await startLogin(creds(emu, "bob"), { twofa: "sms" });
  assert.equal(start.kind, "sms");
  if (start.kind !== "sms") return;
  const challenge = {
    apiUrl: emu.cleuraUrl,
    login: "bob",
    verification: start.verification,
  };
  await requestSmsCode(challenge);
  assert.equal(emu.counters.smsSent, 1);
  const code = emu.lastSmsCode("bob");
  assert.equal(typeof code, "number");
  const token = await verifySmsCode({
    ...challenge,
    code: String(code).padStart(6, "0"),
  });
  assert.ok(
    await validateToken({ apiUrl: emu.cleuraUrl, login: "bob", token }),
  );
});

Deno.test("the emulator answers 400 to a code sent as a string", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const start = await startLogin(creds(emu, "bob"), { twofa: "sms" });
  if (start.kind !== "sms") throw new Error("expected an SMS challenge");
  await requestSmsCode({
    apiUrl: emu.cleuraUrl,
    login: "bob",
    verification: start.verification,
  });
  const error = await rejection(
    httpRequest({
      baseUrl: emu.cleuraUrl,
      path: "auth/v1/tokens/verify2fa",
      method: "POST",
      body: {
        verify2fa: {
          login: "bob",
          verification: start.verification,
          code: String(emu.lastSmsCode("bob")),
        },
      },
      step: "verify",
    }),
    ApiError,
  );
  assert.equal(error.status, 400);
  assert.match(error.message, /code must be an integer/);
});

Deno.test("requestSmsCode() reports an expired verification", async () => {
  await using emu = await startEmulator({ verificationTtlMs: 1 });
  const start = await startLogin(creds(emu, "bob"), { twofa: "sms" });
  if (start.kind !== "sms") throw new Error("expected an SMS challenge");
  await new Promise((r) => setTimeout(r, 5));
  await rejection(
    requestSmsCode({
      apiUrl: emu.cleuraUrl,
      login: "bob",
      verification: start.verification,
    }),
    ApiError,
    /^Cannot send the SMS code for "bob": the server answered 400: Verification expired$/,
  );
  assert.equal(emu.counters.smsSent, 0);
});

Deno.test("parseSmsCode() accepts up to six digits and rejects the rest", () => {
  assert.equal(parseSmsCode(" 012345\n"), 12345);
  assert.equal(parseSmsCode(999999), 999999);
  for (
    const bad of ["12a456", "1234567", "", "-1", "1.5", 1.5, -1, 1_000_000]
  ) {
    assert.throws(() => parseSmsCode(bad), AuthError);
  }
});

Deno.test("loginCleura() logs in without 2FA and never asks for a code", async () => {
  await using emu = await startEmulator();
  let asked = 0;
  const result = await loginCleura(creds(emu, "alice"), {
    askCode: () => Promise.resolve(++asked),
  });
  assert.equal(result.login, "alice");
  assert.equal(asked, 0);
});

Deno.test("loginCleura() asks for the SMS code and reports each step", async () => {
  await using emu = await startEmulator();
  const events: string[] = [];
  const result = await loginCleura(creds(emu, "bob"), {
    askCode: ({ login, attempt }) => {
      assert.equal(login, "bob");
      assert.equal(attempt, 1);
      return Promise.resolve(emu.lastSmsCode(login));
    },
    onEvent: (event) => events.push(event.type),
  });
  assert.ok(result.token.length > 0);
  assert.deepEqual(events, ["login-started", "sms-sent", "logged-in"]);
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("loginCleura() asks once more after a wrong code, without a second SMS", async () => {
  await using emu = await startEmulator();
  const seen: (string | undefined)[] = [];
  await loginCleura(creds(emu, "bob"), {
    twofa: "sms",
    askCode: ({ login, attempt, previousError }) => {
      seen.push(previousError);
      const code = emu.lastSmsCode(login)!;
      return Promise.resolve(attempt === 1 ? (code + 1) % 1_000_000 : code);
    },
  });
  assert.equal(seen.length, 2);
  assert.equal(seen[0], undefined);
  assert.match(seen[1] ?? "", /Invalid two-factor code/);
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("loginCleura() fails clearly after two wrong codes", async () => {
  await using emu = await startEmulator();
  await rejection(
    loginCleura(creds(emu, "bob"), {
      askCode: ({ login }) =>
        Promise.resolve((emu.lastSmsCode(login)! + 1) % 1_000_000),
    }),
    ApiError,
    /^Cannot verify the SMS code for "bob": the server answered 400/,
  );
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.smsVerifications, 2);
});

Deno.test("loginCleura() stops when no code is given", async () => {
  await using emu = await startEmulator();
  await rejection(
    loginCleura(creds(emu, "bob"), {
      askCode: () => Promise.resolve(undefined),
    }),
    AuthError,
    'Cannot log in "bob": no SMS code was given',
  );
  assert.equal(emu.counters.smsVerifications, 0);
});

Deno.test("loginCleura() without askCode says how to proceed, before any SMS", async () => {
  await using emu = await startEmulator();
  await rejection(
    loginCleura(creds(emu, "bob")),
    AuthError,
    /CLEURA_API_TOKEN/,
  );
  assert.equal(emu.counters.smsSent, 0);
});

Deno.test("validateToken() and revokeToken() follow the token's life", async () => {
  await using emu = await startEmulator();
  const token = {
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
  };
  assert.equal(await validateToken(token), true);
  await revokeToken(token);
  assert.equal(await validateToken(token), false);
  const error = await rejection(
    revokeToken(token),
    ApiError,
  );
  assert.equal(error.status, 403);
  assert.ok(!error.message.includes(token.token));
});

Deno.test("validateToken() reads both refusals of a token as not valid, and a 403 for anything else as an error", async () => {
  for (const status of [401, 403] as const) {
    await using emu = await startEmulator({ rejectedTokenStatus: status });
    const token = { apiUrl: emu.cleuraUrl, login: "alice", token: "stale" };
    assert.equal(await validateToken(token), false, String(status));
  }
  await using emu = await startEmulator();
  emu.injectFault({
    kind: "status",
    status: 403,
    message: "No access: Your user does not have access to this method.",
  });
  const token = {
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
  };
  await assert.rejects(validateToken(token), /403: No access/);
});
