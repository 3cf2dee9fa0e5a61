import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { closedPort } from "./_helpers/mcp.ts";
import {
  type Emulator,
  type Fault,
  startEmulator,
} from "./_helpers/emulator.ts";
import {
  ApiError,
  ConfigError,
  NetworkError,
  ResponseFormatError,
  TimeoutError,
} from "../mod.ts";
import {
  type HttpOptions,
  type HttpRequest,
  httpRequest,
  joinUrl,
} from "../lib/http.ts";

const fast = { retryDelayMs: 1 };

/** An emulator that answers with `fault`. */
async function emulatorWith(fault: Fault): Promise<Emulator> {
  const emu = await startEmulator(HTTP_CORE);
  emu.injectFault(fault);
  return emu;
}

// These test the HTTP core on the seed's (v1) paths, whatever the suite's mode.
const HTTP_CORE = { cleuraGenerations: ["v1"] } as const;

/** A POST to `path` of the emulator's Cleura, for the step named. */
function post(
  emu: Emulator,
  path: string,
  step: string,
  more: { body?: unknown; secrets?: string[] } = {},
  options: HttpOptions = {},
) {
  return httpRequest(
    { baseUrl: emu.cleuraUrl, path, method: "POST", step, ...more },
    options,
  );
}

/** The request that lists the emulator's domains, as alice when given her token. */
function domains(emu: Emulator, token?: string): HttpRequest {
  return {
    baseUrl: emu.cleuraUrl,
    path: "accesscontrol/v1/openstack/domains",
    ...(token
      ? { headers: { "X-AUTH-LOGIN": "alice", "X-AUTH-TOKEN": token } }
      : {}),
    step: "list domains",
  };
}

/** A local server that answers every request with `body` and `init`. */
function answering(
  body: string,
  init: ResponseInit,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(body, init),
  );
}

Deno.test("joinUrl() keeps the base path and puts one slash between", () => {
  assert.equal(
    joinUrl("https://cas-rest.itopia.com/api/v2/", "/accounts/login/"),
    "https://cas-rest.itopia.com/api/v2/accounts/login/",
  );
  assert.equal(joinUrl("http://h", "a/b"), "http://h/a/b");
});

Deno.test("httpRequest() turns the error envelope into an ApiError naming the step", async () => {
  await using emu = await startEmulator(HTTP_CORE);
  try {
    await httpRequest(domains(emu));
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
    await using server = answering(body, {
      status: 400,
      headers: { "content-type": type },
    });
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
  await using emu = await emulatorWith({ kind: "html", status: 500 });
  const error = await rejection(
    post(emu, "anything", "do a thing"),
    ApiError,
  );
  assert.equal(error.status, 500);
  assert.ok(error.message.length < 200, error.message);
  assert.doesNotMatch(error.message, /<|\n|Lorem ipsum Lorem/);
  assert.match(error.message, /500 Internal Server Error/);
});

Deno.test("httpRequest() times out with the words 'timed out'", async () => {
  await using emu = await emulatorWith({ kind: "hang" });
  const started = Date.now();
  await rejection(
    post(emu, "x", "wait", {}, { timeoutMs: 200 }),
    TimeoutError,
    /timed out after 200 ms/,
  );
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("httpRequest() rethrows the caller's abort reason", async () => {
  await using emu = await emulatorWith({ kind: "hang" });
  const controller = new AbortController();
  const reason = new Error("stopped by the caller");
  setTimeout(() => controller.abort(reason), 50);
  const error = await post(emu, "x", "wait", {}, {
    signal: controller.signal,
  }).catch((e) => e);
  assert.equal(error, reason);
});

Deno.test("httpRequest() names the host when the connection is refused", async () => {
  const port = closedPort();
  await rejection(
    httpRequest({
      baseUrl: `http://127.0.0.1:${port}`,
      path: "x",
      step: "list domains",
    }, fast),
    NetworkError,
    `Cannot list domains: cannot reach "127.0.0.1:${port}": connection refused`,
  );
});

Deno.test("httpRequest() retries a GET on 503 and then succeeds", async () => {
  await using emu = await startEmulator(HTTP_CORE);
  const token = emu.issueCleuraToken("alice");
  emu.injectFault({ kind: "status", status: 503, times: 2 });
  const { body } = await httpRequest(domains(emu, token), fast);
  assert.equal((body as unknown[]).length, 3);
  assert.equal(
    emu.counters.byRoute["GET /accesscontrol/v1/openstack/domains"],
    3,
  );
});

Deno.test("httpRequest() honours Retry-After on a 429", async () => {
  await using emu = await startEmulator(HTTP_CORE);
  const token = emu.issueCleuraToken("alice");
  emu.injectFault({ kind: "status", status: 429, retryAfter: 1 });
  const started = Date.now();
  await httpRequest(domains(emu, token), fast);
  assert.ok(Date.now() - started >= 900, "waited for Retry-After");
});

Deno.test("httpRequest() gives up after 3 attempts with the last status", async () => {
  await using emu = await emulatorWith({
    kind: "status",
    status: 502,
    times: 10,
  });
  const error = await rejection(
    httpRequest(domains(emu), fast),
    ApiError,
  );
  assert.equal(error.status, 502);
  assert.equal(emu.counters.requests, 3);
});

Deno.test("httpRequest() never retries a POST", async () => {
  await using emu = await emulatorWith({
    kind: "status",
    status: 503,
    times: 10,
  });
  await rejection(
    post(emu, "auth/v1/tokens/request2facode", "send the SMS code", {
      body: {},
    }, fast),
    ApiError,
  );
  assert.equal(emu.counters.requests, 1);
});

// A POST whose answer breaks on the way: each fails as its own error type,
// with a message that says what broke.
for (
  const [name, fault, path, step, type, pattern] of [
    [
      "reports a 2xx body that is not JSON as a format error naming the endpoint",
      { kind: "malformed-json" },
      "auth/v1/tokens",
      "log in",
      ResponseFormatError,
      /\/auth\/v1\/tokens is not JSON/,
    ],
    [
      "reports a connection reset mid-body as a network error",
      { kind: "reset" },
      "x",
      "read",
      NetworkError,
      /cannot reach "127\.0\.0\.1:\d+"/,
    ],
    [
      "refuses a body over 10 MiB",
      { kind: "oversize" },
      "big",
      "read a big list",
      ResponseFormatError,
      /larger than 10 MiB/,
    ],
  ] as const
) {
  Deno.test(`httpRequest() ${name}`, async () => {
    await using emu = await emulatorWith(fault);
    const error = await rejection(post(emu, path, step), type);
    assert.match(error.message, pattern);
  });
}

Deno.test("httpRequest() removes secrets a server echoes back", async () => {
  await using emu = await emulatorWith({
    kind: "status",
    status: 400,
    message: "bad password s3cr3t-canary for alice",
  });
  const error = await rejection(
    post(emu, "auth/v1/tokens", "log in", { secrets: ["s3cr3t-canary"] }),
    ApiError,
  );
  assert.doesNotMatch(error.message, /s3cr3t-canary/);
  assert.match(error.message, /\[redacted\]/);
});

Deno.test("httpRequest() waits out a slow answer within the timeout, and times out past it", async () => {
  await using emu = await startEmulator(HTTP_CORE);
  const token = emu.issueCleuraToken("alice");
  const request = domains(emu, token);
  emu.injectFault({ kind: "delay", ms: 100 });
  const { body } = await httpRequest(request, { timeoutMs: 2_000 });
  assert.equal((body as unknown[]).length, 3);
  emu.injectFault({ kind: "delay", ms: 1_000 });
  await rejection(
    httpRequest(request, { timeoutMs: 100 }),
    TimeoutError,
    "Cannot list domains: the request to /accesscontrol/v1/openstack/domains timed out after 100 ms",
  );
});

Deno.test({
  name: "httpRequest() names the --allow-net flag a host needs",
  permissions: { net: ["127.0.0.1"] },
  async fn() {
    await rejection(
      httpRequest({
        baseUrl: "http://127.0.0.9:8080",
        path: "x",
        step: "list domains",
      }, fast),
      ConfigError,
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
    await using server = answering(body, { status: 400 });
    const error = await rejection(
      httpRequest({
        baseUrl: `http://127.0.0.1:${server.addr.port}`,
        path: "x",
        step: "log in",
        secrets: [secret],
      }),
      ApiError,
    );
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
