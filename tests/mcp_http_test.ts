import assert from "node:assert/strict";
import { accountEnv, cleuraEnv } from "./_helpers/accounts.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import { MAX_BODY_BYTES } from "../mcp/http.ts";
import {
  assertTwentyShareOneLogin,
  authHeaders,
  call,
  cancelWhileAsked,
  ERAS,
  httpClient,
  LISTED_TOOL_NAMES,
  postMcp,
  regionsThroughPage,
  serveMcp,
  setUp,
  type SetUpOptions,
  smsAnswer,
} from "./_helpers/mcp.ts";

function bobEnv(emu: Emulator): Record<string, string> {
  return cleuraEnv(emu, "bob");
}

/** Sends a request with a chosen Host header (fetch sets its own). */
async function rawStatus(url: string, host: string): Promise<number> {
  const { port } = new URL(url);
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(port),
  });
  try {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    await conn.write(new TextEncoder().encode(
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        `Accept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    ));
    const buffer = new Uint8Array(1024);
    const n = await conn.read(buffer);
    const head = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  } finally {
    conn.close();
  }
}

for (const era of ERAS) {
  /** The emulator, and bob's server over HTTP with a client in this era. */
  const bob = (options: SetUpOptions = {}) =>
    setUp(bobEnv, { transport: "http", era, ...options });

  Deno.test(`mcp over HTTP elicits the SMS code as a form (${era})`, async () => {
    await using t = await bob({ elicit: "sms" });
    const { emu } = t;
    const result = await call(t.client, "cleura_list_regions");
    assert.equal(result.isError, false, result.text);
    assert.equal((result.structured?.regions as unknown[]).length, 3);
    assert.equal(t.elicitations.length, 1);
    assert.equal(emu.counters.smsSent, 1);
  });

  Deno.test(`mcp over HTTP shares one login among clients (${era})`, async () => {
    await using emu = await startEmulator();
    await using http = await serveMcp(bobEnv(emu));
    await using a = await httpClient(http, smsAnswer(emu), { era });
    await using b = await httpClient(http, smsAnswer(emu), { era });
    const [ra, rb] = await Promise.all([
      call(a.client, "cleura_list_regions"),
      call(b.client, "cleura_list_domains"),
    ]);
    assert.ok(!ra.isError && !rb.isError, ra.text + rb.text);
    assert.equal(emu.counters.cleuraLogins, 1);
    assert.equal(emu.counters.smsSent, 1);
    assert.equal(http.sessions(), era === "legacy" ? 2 : 0);
  });

  Deno.test(`mcp over HTTP: 20 concurrent calls cause one SMS, one question and one login (${era})`, async () => {
    await using t = await bob({ elicit: "sms" });
    await assertTwentyShareOneLogin(t);
  });

  Deno.test(`mcp over HTTP: a call cancelled while the code is asked leaves nothing stuck (${era})`, async () => {
    await using emu = await startEmulator();
    await using http = await serveMcp(bobEnv(emu));
    const { second, askedAfterMs } = await cancelWhileAsked(
      () => emu.lastSmsCode("bob")!,
      (elicit) => httpClient(http, elicit, { era }),
    );
    assert.equal(second.isError, false, second.text);
    assert.ok(askedAfterMs < 2_000, `asked after ${askedAfterMs} ms`);
    assert.equal(emu.counters.smsSent, 1);
  });

  Deno.test(`mcp over HTTP: a token rejected later means a new login, and never two SMS within 60 s (${era})`, async () => {
    await using t = await bob({ elicit: "sms" });
    const { emu } = t;
    assert.equal((await call(t.client, "cleura_list_regions")).isError, false);
    emu.expireCleuraTokens("bob");
    const again = await call(t.client, "cleura_list_regions");
    assert.equal(again.isError, true);
    assert.match(
      again.text,
      /Cannot send another SMS code to "bob" yet: wait \d+ s/,
    );
    assert.equal(emu.counters.smsSent, 1);
  });

  Deno.test(`mcp over HTTP prefers URL mode: the code is typed on a local page, not in the client (${era})`, async () => {
    await using t = await bob({ urlMode: true, elicit: "page" });
    const { url, page } = await regionsThroughPage(t);
    assert.ok(url.startsWith(`${t.http!.url}/sms/`), url);
    assert.match(page, /SMS code for bob/);
    const again = await fetch(url);
    assert.equal(again.status, 404, "the page works once");
    await again.body?.cancel();
    assert.equal(t.emu.counters.smsSent, 1);
  });
}

Deno.test("mcp over HTTP answers 403 to a foreign Host or Origin, parsed strictly, port included", async () => {
  await using http = await serveMcp({});
  const port = new URL(http.url).port;
  const init = {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...authHeaders(http),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  };
  for (
    const host of [
      "evil.example",
      "evil.example:80",
      `localhost:1@evil.example`,
      `localhost:${port}@evil.example:${port}`,
      `127.0.0.1:${Number(port) + 1}`,
      "localhost",
      `localhost:${port}/x`,
    ]
  ) {
    assert.equal(await rawStatus(http.url, host), 403, host);
  }
  assert.notEqual(await rawStatus(http.url, `localhost:${port}`), 403);
  for (
    const origin of [
      "http://evil.example",
      `http://localhost:${Number(port) + 1}`,
      "http://localhost:3000",
      `https://localhost:${port}`,
      `http://user@localhost:${port}`,
      "null",
    ]
  ) {
    const response = await fetch(`${http.url}/mcp`, {
      ...init,
      headers: { ...init.headers, origin },
    });
    assert.equal(response.status, 403, origin);
    await response.body?.cancel();
  }
  const local = await fetch(`${http.url}/mcp`, {
    ...init,
    headers: { ...init.headers, origin: `http://localhost:${port}` },
  });
  assert.notEqual(local.status, 403);
  await local.body?.cancel();
});

Deno.test("mcp over HTTP always needs the bearer token: 401 with WWW-Authenticate, any case of the scheme", async () => {
  await using http = await serveMcp({});
  assert.ok(http.token && http.token.length >= 43, "a random 256-bit token");
  const post = (authorization?: string) => postMcp(http.url, authorization);
  for (
    const header of [
      undefined,
      "Bearer wrong",
      `Basic ${http.token}`,
      `Bearer ${http.token}x`,
      `Bearer ${http.token!.slice(0, -1)}`,
    ]
  ) {
    const response = await post(header);
    assert.equal(response.status, 401, String(header));
    assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/);
    await response.body?.cancel();
  }
  for (const scheme of ["Bearer", "bearer", "BEARER"]) {
    const response = await post(`${scheme} ${http.token}`);
    assert.equal(response.status, 200, scheme);
    await response.body?.cancel();
  }
});

Deno.test("mcp over HTTP refuses a body over 1 MiB and an unknown session", async () => {
  await using http = await serveMcp({});
  const big = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", ...authHeaders(http) },
    body: "x".repeat(MAX_BODY_BYTES + 1),
  });
  assert.equal(big.status, 413);
  await big.body?.cancel();
  const unknown = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "mcp-session-id": "not-a-session",
      ...authHeaders(http),
    },
    body: "{}",
  });
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("mcp over HTTP caps sessions in all: the least recently used idle one makes room", async () => {
  const cap = 4;
  await using http = await serveMcp({}, { maxSessions: cap });
  const clients = [];
  for (let i = 0; i < cap + 2; i++) {
    clients.push(await httpClient(http));
  }
  assert.equal(http.sessions(), cap);
  await assert.rejects(clients[0]!.client.listTools(), "the oldest was closed");
  const { tools } = await clients.at(-1)!.client.listTools();
  assert.equal(tools.length, LISTED_TOOL_NAMES.length);
  for (const c of clients) {
    await Promise.resolve(c[Symbol.asyncDispose]()).catch(() => {});
  }
});

const LONG_TOKEN = "s3cret-token-of-32-characters-ok";

Deno.test("mcp over HTTP beyond loopback needs CLOUDGATE_MCP_TOKEN and checks it", async () => {
  await assert.rejects(
    serveMcp({}, { hostname: "127.0.0.2" }),
    /CLOUDGATE_MCP_TOKEN must be set to serve on "127.0.0.2"/,
  );
  await using http = await serveMcp({}, {
    hostname: "127.0.0.2",
    token: LONG_TOKEN,
  });
  assert.equal(http.token, LONG_TOKEN);
  const denied = await fetch(`${http.url}/mcp`, { method: "POST", body: "{}" });
  assert.equal(denied.status, 401);
  await denied.body?.cancel();
  await using t = await httpClient(http, undefined, { token: LONG_TOKEN });
  const { tools } = await t.client.listTools();
  assert.equal(tools.length, LISTED_TOOL_NAMES.length);
});

Deno.test("mcp over HTTP closes idle sessions", async () => {
  await using http = await serveMcp({}, { idleMs: 100 });
  await using t = await httpClient(http);
  assert.equal(http.sessions(), 1);
  for (let i = 0; i < 50 && http.sessions() > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(http.sessions(), 0);
  await assert.rejects(t.client.listTools());
});

Deno.test("mcp over HTTP sends no wildcard CORS header", async () => {
  await using http = await serveMcp({});
  const preflight = await fetch(`${http.url}/mcp`, {
    method: "OPTIONS",
    headers: {
      origin: "http://localhost:3000",
      "access-control-request-method": "POST",
    },
  });
  await preflight.body?.cancel();
  assert.notEqual(preflight.headers.get("access-control-allow-origin"), "*");
  await using t = await httpClient(http);
  await t.client.listTools();
  const post = await fetch(`${http.url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: "http://localhost:3000",
    },
    body: "{}",
  });
  await post.body?.cancel();
  assert.equal(post.headers.get("access-control-allow-origin"), null);
});

Deno.test("mcp over HTTP: a slow client does not block another", async () => {
  await using emu = await startEmulator();
  await using http = await serveMcp(accountEnv(emu, "bob"));
  const release = Promise.withResolvers<void>();
  await using slow = await httpClient(http, async () => {
    await release.promise;
    return { action: "accept", content: { code: emu.lastSmsCode("bob")! } };
  });
  await using fast = await httpClient(http);
  const pending = call(slow.client, "cleura_list_regions");
  while (emu.counters.smsSent === 0) await new Promise((r) => setTimeout(r, 5));
  const started = Date.now();
  const instances = await call(fast.client, "itopia_list_instances", {
    deploymentId: 101,
  });
  assert.equal(instances.isError, false, instances.text);
  assert.ok(Date.now() - started < 2_000);
  release.resolve();
  assert.equal((await pending).isError, false);
});

Deno.test("mcp over HTTP reports an address in use in one line", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      serveMcp({}, { port: (taken.addr as Deno.NetAddr).port }),
      /^ConfigError: Cannot listen on 127\.0\.0\.1:\d+: the address is in use$/,
    );
  } finally {
    taken.close();
  }
});

Deno.test("mcp over HTTP sends a call's log messages to its own session only", async () => {
  await using emu = await startEmulator();
  await using http = await serveMcp(bobEnv(emu));
  await using a = await httpClient(http, smsAnswer(emu));
  await using b = await httpClient(http, smsAnswer(emu));
  await a.client.setLoggingLevel("info");
  await b.client.setLoggingLevel("info");
  assert.equal((await call(a.client, "cleura_list_regions")).isError, false);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    a.logs.some((l) => /login started/.test(l)),
    a.logs.join("\n"),
  );
  assert.deepEqual(b.logs, [], "nothing reaches the other session");
});
