import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { itopiaAdmin, itopiaKeyAuth } from "./_helpers/accounts.ts";
import { jwtVerify } from "jose";
import { EMULATOR_FIXTURES, startEmulator } from "./_helpers/emulator.ts";
import {
  ApiError,
  ConfigError,
  decodeJwtUnverified,
  ItopiaAuth,
  type ItopiaAuthEvent,
  itopiaConfig,
  itopiaExpiry,
  listCloudInstances,
  loginItopia,
  mintJwt,
  parseCloudInstances,
  ResponseFormatError,
} from "../mod.ts";

const SCOPED_KEY = EMULATOR_FIXTURES.itopiaApiKeys[1]!.key;

/** The cloud instances of one deployment. */
function deployment(auth: ItopiaAuth, deploymentId: number) {
  return listCloudInstances(auth, { deploymentId });
}

Deno.test("mintJwt() signs HS256 with the API key and the documented claims", async () => {
  const now = new Date("2026-11-22T12:00:00Z");
  const minted = await mintJwt({
    apiKey: "secret-key",
    organizationId: 42,
    deploymentId: 7,
    ttlSeconds: 600,
    now,
  });
  const iat = now.getTime() / 1000;
  assert.deepEqual(minted.claims, {
    aud: "Itopia",
    iat,
    exp: iat + 600,
    organizationId: 42,
    deploymentId: 7,
  });
  assert.equal(minted.expiresAt, "2026-11-22T12:10:00.000Z");
  const decoded = decodeJwtUnverified(minted.token);
  assert.deepEqual(decoded.header, { alg: "HS256", typ: "JWT" });
  const { payload } = await jwtVerify(
    minted.token,
    new TextEncoder().encode("secret-key"),
    { audience: "Itopia", currentDate: now },
  );
  assert.equal(payload.organizationId, 42);
});

Deno.test("mintJwt() defaults to a one-hour lifetime and no deploymentId", async () => {
  const { claims } = await mintJwt({ apiKey: "k", organizationId: 1 });
  assert.equal(claims.exp - claims.iat, 3600);
  assert.equal("deploymentId" in claims, false);
  assert.ok(Number.isInteger(claims.iat));
});

Deno.test("mintJwt() keeps tokens of different keys apart", async () => {
  const now = new Date(0);
  const a = await mintJwt({ apiKey: "key-a", organizationId: 1, now });
  const b = await mintJwt({ apiKey: "key-b", organizationId: 1, now });
  const a2 = await mintJwt({ apiKey: "key-a", organizationId: 1, now });
  assert.notEqual(a.token, b.token);
  assert.equal(a.token, a2.token);
});

for (
  const [label, options, pattern] of [
    [
      "a lifetime of 0",
      { ttlSeconds: 0 },
      /^ttlSeconds must be a whole number from 1 to 86400$/,
    ],
    ["a lifetime over 24 h", { ttlSeconds: 86_401 }, /^ttlSeconds/],
    ["a fractional lifetime", { ttlSeconds: 1.5 }, /^ttlSeconds/],
    [
      "a fractional organizationId",
      { organizationId: 4.2 },
      /^organizationId must be a positive whole number$/,
    ],
    [
      "a negative deploymentId",
      { deploymentId: -1 },
      /^deploymentId must be a positive whole number$/,
    ],
    ["an empty API key", { apiKey: " " }, /^apiKey must not be empty/],
  ] as const
) {
  Deno.test(`mintJwt() refuses ${label}`, async () => {
    await rejection(
      mintJwt({
        apiKey: "k",
        organizationId: 1,
        ...options,
      }),
      ConfigError,
      pattern,
    );
  });
}

Deno.test("decodeJwtUnverified() rejects text that is not a JWT", () => {
  assert.throws(() => decodeJwtUnverified("not-a-jwt"), ResponseFormatError);
});

Deno.test("itopiaExpiry() reads epoch seconds, epoch ms and lifetimes, capped at one hour", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const t = now.getTime();
  assert.equal(itopiaExpiry(600, now).getTime(), t + 600_000);
  assert.equal(itopiaExpiry(t / 1000 + 1800, now).getTime(), t + 1_800_000);
  assert.equal(itopiaExpiry(t + 900_000, now).getTime(), t + 900_000);
  assert.equal(itopiaExpiry(t / 1000 + 86_400, now).getTime(), t + 3_600_000);
  assert.equal(itopiaExpiry(undefined, now).getTime(), t + 3_600_000);
  assert.equal(itopiaExpiry(-5, now).getTime(), t + 3_600_000);
});

Deno.test("loginItopia() returns Cielo_Token and its expiry", async () => {
  await using emu = await startEmulator();
  const result = await loginItopia(itopiaAdmin(emu));
  assert.equal(decodeJwtUnverified(result.token).claims.organizationId, 42);
  const left = Date.parse(result.expiresAt) - Date.now();
  assert.ok(left > 3_500_000 && left <= 3_600_000, String(left));
});

Deno.test("loginItopia() reports wrong credentials without the password", async () => {
  await using emu = await startEmulator();
  await rejection(
    loginItopia(itopiaAdmin(emu, "wrong-canary")),
    ApiError,
    'Cannot log in "admin@example.com" to itopia: the server answered 401: Invalid username or password',
  );
});

Deno.test("loginItopia() reports a response without Cielo_Token", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "json", body: { Cielo_Expiration_Token: 1 } });
  await rejection(
    loginItopia(itopiaAdmin(emu)),
    ResponseFormatError,
    /at "Cielo_Token"/,
  );
});

Deno.test("listCloudInstances() lists a deployment with a minted JWT", async () => {
  await using emu = await startEmulator();
  const auth = itopiaKeyAuth(emu);
  const instances = await deployment(auth, 101);
  assert.equal(instances.length, 5);
  assert.equal(instances[0]?.name, "vm-101-0001");
  assert.equal(instances[0]?.zone, "us-central1-a");
});

Deno.test("listCloudInstances() reads a deployment of 1,200 instances", async () => {
  await using emu = await startEmulator({ instancesShape: "wrapped" });
  const auth = itopiaKeyAuth(emu);
  const instances = await deployment(auth, 102);
  assert.equal(instances.length, 1200);
});

Deno.test("listCloudInstances() works with the login method and reuses its token", async () => {
  await using emu = await startEmulator();
  const events: ItopiaAuthEvent["type"][] = [];
  const auth = ItopiaAuth.fromConfig(
    itopiaConfig({
      ITOPIA_API_URL: emu.itopiaUrl,
      ITOPIA_USERNAME: "admin@example.com",
      ITOPIA_PASSWORD: "admin-password",
    }),
    { onEvent: (e) => events.push(e.type) },
  );
  assert.equal(auth.method, "login");
  await Promise.all([
    deployment(auth, 101),
    deployment(auth, 102),
  ]);
  await deployment(auth, 101);
  assert.equal(emu.counters.itopiaLogins, 1);
  assert.deepEqual(events.slice(0, 2), ["login-started", "logged-in"]);
  assert.ok(events.includes("token-reused"));
});

// Deployment 101 is read, and 102 refused (403), with a key scoped to 101
// and with a token pinned to 101.
for (
  const [name, options] of [
    ["outside a scoped key's deployments", { apiKey: SCOPED_KEY }],
    ["when the token is pinned to another deployment", { deploymentId: 101 }],
  ] as const
) {
  Deno.test(`listCloudInstances() is refused ${name}`, async () => {
    await using emu = await startEmulator();
    const auth = itopiaKeyAuth(emu, options);
    assert.equal((await deployment(auth, 101)).length, 5);
    const error = await rejection(deployment(auth, 102), ApiError);
    assert.equal(error.status, 403);
  });
}

Deno.test("listCloudInstances() reports a wrong API key without showing it", async () => {
  await using emu = await startEmulator();
  const auth = itopiaKeyAuth(emu, { apiKey: "wrong-key-canary" });
  await rejection(
    deployment(auth, 101),
    ApiError,
    "Cannot list the cloud instances of deployment 101: the server answered 401: Invalid token signature",
  );
  assert.equal(emu.counters.requests, 2, "one fresh token was tried");
});

Deno.test("listCloudInstances() names an unknown deployment and a bad id", async () => {
  await using emu = await startEmulator();
  const auth = itopiaKeyAuth(emu);
  const missing = await rejection(
    deployment(auth, 999),
    ApiError,
  );
  assert.equal(missing.status, 404);
  await rejection(
    deployment(auth, 0),
    ConfigError,
    "deploymentId must be a positive whole number",
  );
});

Deno.test("listCloudInstances() reports a wrong shape as a format error", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "wrong-shape" });
  const auth = itopiaKeyAuth(emu);
  await rejection(
    deployment(auth, 101),
    ResponseFormatError,
    /deployment 101/,
  );
});

Deno.test("parseCloudInstances() fills id, name and status from other spellings and keeps the rest", () => {
  const list = parseCloudInstances({
    data: [{ Id: 9, InstanceName: "pc-9", PowerState: "Stopped", extra: [1] }],
  }, 1);
  assert.deepEqual(list, [{
    Id: 9,
    InstanceName: "pc-9",
    PowerState: "Stopped",
    extra: [1],
    id: 9,
    name: "pc-9",
    status: "Stopped",
  }]);
});

Deno.test("ItopiaAuth needs an organization with an API key, or a login", () => {
  assert.throws(
    () => new ItopiaAuth({ apiUrl: "http://x", apiKey: "k" }),
    /ITOPIA_ORGANIZATION_ID is not set/,
  );
  assert.throws(
    () => ItopiaAuth.fromConfig(itopiaConfig({})),
    /set ITOPIA_API_KEY and ITOPIA_ORGANIZATION_ID, or ITOPIA_USERNAME and ITOPIA_PASSWORD/,
  );
});

/** An API-key ItopiaAuth that only mints (no server), with the lifetime given. */
function offline(ttlSeconds?: number): ItopiaAuth {
  return new ItopiaAuth({
    apiUrl: "http://unused",
    apiKey: "k",
    organizationId: 1,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
}

Deno.test("ItopiaAuth replaces a token 60 s before its expiry, or at half its life when shorter", async () => {
  const auth = offline(2);
  const first = await auth.token();
  assert.equal(await auth.token(), first, "used for the first half");
  await new Promise((r) => setTimeout(r, 1100));
  const second = await auth.token();
  assert.notEqual(first, second);
  const minute = offline(60);
  const once = await minute.token();
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await minute.token(), once, "a 60 s token is not minted anew");
  const long = offline();
  assert.equal(await long.token(), await long.token());
});
