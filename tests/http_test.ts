import assert from "node:assert/strict";
import { closedPort } from "./_helpers/mcp.ts";
import { startEmulator } from "../lib/testing/mod.ts";
import {
  ApiError,
  ConfigError,
  NetworkError,
  ResponseFormatError,
  TimeoutError,
} from "../mod.ts";
import { httpRequest, joinUrl } from "../lib/http.ts";

const fast = { retryDelayMs: 1 };

Deno.test("joinUrl() keeps the base path and puts one slash between", () => {
  assert.equal(
    joinUrl("https://cas-rest.itopia.com/api/v2/", "/accounts/login/"),
    "https://cas-rest.itopia.com/api/v2/accounts/login/",
  );
  assert.equal(joinUrl("http://h", "a/b"), "http://h/a/b");
});

Deno.test("httpRequest() turns the error envelope into an ApiError naming the step", async () => {
  await using emu = await startEmulator();
  try {
    await httpRequest({
      baseUrl: emu.cleuraUrl,
      path: "accesscontrol/v1/openstack/domains",
      step: "list domains",
    });
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 403);
    assert.equal(e.step, "list domains");
    assert.equal(
      e.message,
      "Cannot list domains: the server answered 403: Invalid token",
    );
  }
});

Deno.test("httpRequest() quotes the server's message from every error body it knows", async () => {
  const bodies: [string, string, string][] = [
    [
      JSON.stringify({
        error: {
          code: 400,
          message: "Validation failed",
          description: "The request is invalid",
          errors: [{ key: "name", value: "too long" }],
        },
      }),
      "application/json",
      "Validation failed: The request is invalid (name: too long)",
    ],
    [
      JSON.stringify({ message: "Bad things" }),
      "application/json",
      "Bad things",
    ],
    [
      "Service down for maintenance",
      "text/plain",
      "Service down for maintenance",
    ],
  ];
  for (const [body, type, expected] of bodies) {
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response(body, { status: 400, headers: { "content-type": type } }),
    );
    await assert.rejects(
      httpRequest({
        baseUrl: `http://127.0.0.1:${server.addr.port}`,
        path: "x",
        step: "do x",
      }),
      (error: unknown) =>
        error instanceof ApiError &&
        error.message === `Cannot do x: the server answered 400: ${expected}`,
    );
  }
});

Deno.test("httpRequest() shows a short excerpt of an HTML error page", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "html", status: 500 });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "anything",
    method: "POST",
    step: "do a thing",
  }).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 500);
  assert.ok(error.message.length < 200, error.message);
  assert.doesNotMatch(error.message, /<|\n|Lorem ipsum Lorem/);
  assert.match(error.message, /500 Internal Server Error/);
});

Deno.test("httpRequest() reports a 2xx body that is not JSON as a format error naming the endpoint", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "malformed-json" });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "auth/v1/tokens",
    method: "POST",
    step: "log in",
  }).catch((e) => e);
  assert.ok(error instanceof ResponseFormatError);
  assert.match(error.message, /\/auth\/v1\/tokens is not JSON/);
});

Deno.test("httpRequest() times out with the words 'timed out'", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "hang" });
  const started = Date.now();
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "x",
    method: "POST",
    step: "wait",
  }, { timeoutMs: 200 }).catch((e) => e);
  assert.ok(error instanceof TimeoutError, String(error));
  assert.match(error.message, /timed out after 200 ms/);
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("httpRequest() rethrows the caller's abort reason", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "hang" });
  const controller = new AbortController();
  const reason = new Error("stopped by the caller");
  setTimeout(() => controller.abort(reason), 50);
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "x",
    method: "POST",
    step: "wait",
  }, { signal: controller.signal }).catch((e) => e);
  assert.equal(error, reason);
});

Deno.test("httpRequest() names the host when the connection is refused", async () => {
  const port = closedPort();
  const error = await httpRequest({
    baseUrl: `http://127.0.0.1:${port}`,
    path: "x",
    step: "list domains",
  }, fast).catch((e) => e);
  assert.ok(error instanceof NetworkError, String(error));
  assert.equal(
    error.message,
    `Cannot list domains: cannot reach "127.0.0.1:${port}": connection refused`,
  );
});

Deno.test("httpRequest() reports a connection reset mid-body as a network error", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "reset" });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "x",
    method: "POST",
    step: "read",
  }).catch((e) => e);
  assert.ok(error instanceof NetworkError, String(error));
  assert.match(error.message, /cannot reach "127\.0\.0\.1:\d+"/);
});

Deno.test("httpRequest() retries a GET on 503 and then succeeds", async () => {
  await using emu = await startEmulator();
  const token = emu.issueCleuraToken("alice");
  emu.injectFault({ kind: "status", status: 503, times: 2 });
  const { body } = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "accesscontrol/v1/openstack/domains",
    headers: { "X-AUTH-LOGIN": "alice", "X-AUTH-TOKEN": token },
    step: "list domains",
  }, fast);
  assert.equal((body as unknown[]).length, 3);
  assert.equal(
    emu.counters.byRoute["GET /accesscontrol/v1/openstack/domains"],
    3,
  );
});

Deno.test("httpRequest() honours Retry-After on a 429", async () => {
  await using emu = await startEmulator();
  const token = emu.issueCleuraToken("alice");
  emu.injectFault({ kind: "status", status: 429, retryAfter: 1 });
  const started = Date.now();
  await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "accesscontrol/v1/openstack/domains",
    headers: { "X-AUTH-LOGIN": "alice", "X-AUTH-TOKEN": token },
    step: "list domains",
  }, fast);
  assert.ok(Date.now() - started >= 900, "waited for Retry-After");
});

Deno.test("httpRequest() gives up after 3 attempts with the last status", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "status", status: 502, times: 10 });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "accesscontrol/v1/openstack/domains",
    step: "list domains",
  }, fast).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 502);
  assert.equal(emu.counters.requests, 3);
});

Deno.test("httpRequest() never retries a POST", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "status", status: 503, times: 10 });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "auth/v1/tokens/request2facode",
    method: "POST",
    body: {},
    step: "send the SMS code",
  }, fast).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(emu.counters.requests, 1);
});

Deno.test("httpRequest() refuses a body over 10 MiB", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "oversize" });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "big",
    method: "POST",
    step: "read a big list",
  }).catch((e) => e);
  assert.ok(error instanceof ResponseFormatError, String(error));
  assert.match(error.message, /larger than 10 MiB/);
});

Deno.test("httpRequest() removes secrets a server echoes back", async () => {
  await using emu = await startEmulator();
  emu.injectFault({
    kind: "status",
    status: 400,
    message: "bad password s3cr3t-canary for alice",
  });
  const error = await httpRequest({
    baseUrl: emu.cleuraUrl,
    path: "auth/v1/tokens",
    method: "POST",
    step: "log in",
    secrets: ["s3cr3t-canary"],
  }).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.doesNotMatch(error.message, /s3cr3t-canary/);
  assert.match(error.message, /\[redacted\]/);
});

Deno.test("httpRequest() waits out a slow answer within the timeout, and times out past it", async () => {
  await using emu = await startEmulator();
  const token = emu.issueCleuraToken("alice");
  const request = {
    baseUrl: emu.cleuraUrl,
    path: "accesscontrol/v1/openstack/domains",
    headers: { "X-AUTH-LOGIN": "alice", "X-AUTH-TOKEN": token },
    step: "list domains",
  };
  emu.injectFault({ kind: "delay", ms: 100 });
  const { body } = await httpRequest(request, { timeoutMs: 2_000 });
  assert.equal((body as unknown[]).length, 3);
  emu.injectFault({ kind: "delay", ms: 1_000 });
  const error = await httpRequest(request, { timeoutMs: 100 }).catch((e) => e);
  assert.ok(error instanceof TimeoutError);
  assert.equal(
    error.message,
    "Cannot list domains: the request to /accesscontrol/v1/openstack/domains timed out after 100 ms",
  );
});

Deno.test({
  name: "httpRequest() names the --allow-net flag a host needs",
  permissions: { net: ["127.0.0.1"] },
  async fn() {
    const error = await httpRequest({
      baseUrl: "http://127.0.0.9:8080",
      path: "x",
      step: "list domains",
    }, fast).catch((e) => e);
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(
      error.message,
      'Cannot list domains: network access to "127.0.0.9:8080" is not permitted (run with --allow-net=127.0.0.9:8080)',
    );
  },
});

Deno.test("httpRequest() redacts secrets before and after cutting, stripping and collapsing the server's text", async () => {
  const secret = "hunter22-correct-horse";
  const bodies = [
    // Split by a tag: stripping the tags would put it back together.
    `<html><body>bad password hun<b>ter22-correct</b>-horse</body></html>`,
    // Cut by the 120-character limit, half of it before the cut.
    JSON.stringify({ message: `${"x".repeat(110)} ${secret} tail` }),
    // Across whitespace that is collapsed.
    JSON.stringify({ error: { message: `echo: ${secret}\n\n` } }),
    // Split by newlines.
    `bad: hunter22\n-correct\r\n-horse`,
    // In the description and the field errors.
    JSON.stringify({
      error: {
        message: "bad",
        description: `was ${secret}`,
        errors: [{ key: "password", value: secret }],
      },
    }),
  ];
  for (const body of bodies) {
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response(body, { status: 400 }),
    );
    const error = await httpRequest({
      baseUrl: `http://127.0.0.1:${server.addr.port}`,
      path: "x",
      step: "log in",
      secrets: [secret],
    }).catch((e) => e);
    assert.ok(error instanceof ApiError);
    for (let n = 6; n <= secret.length; n++) {
      for (let i = 0; i + n <= secret.length; i += 4) {
        assert.ok(
          !error.message.includes(secret.slice(i, i + n)),
          `a fragment "${secret.slice(i, i + n)}" survived: ${error.message}`,
        );
      }
    }
  }
});
