// The HTTP transport's 2025-era sessions: a client that goes away leaves
// nothing waiting, busy sessions are never evicted, a full table of busy
// sessions answers 503, and many clients on the one bearer token are served.

import assert from "node:assert/strict";
import { cleuraEnv, itopiaEnv } from "./_helpers/accounts.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { createToolContext, type ToolContext } from "../mcp/context.ts";
import { createMcpServer } from "../mcp/create_server.ts";
import { type HttpServer, MAX_SESSIONS, serveHttp } from "../mcp/http.ts";
import {
  call,
  childEnv,
  type Elicit,
  httpClient,
  SERVER,
  smsAnswer,
} from "./_helpers/mcp.ts";
import { RawSession } from "./_helpers/raw_session.ts";

/** Serves `env` over HTTP, keeping the tool context (to see the login gate). */
async function serve(
  env: Record<string, string>,
  maxSessions?: number,
): Promise<{ http: HttpServer; ctx: () => ToolContext }> {
  let ctx: ToolContext | undefined;
  const http = await serveHttp({
    port: 0,
    ...(maxSessions === undefined ? {} : { maxSessions }),
    context: (pages) => (ctx = createToolContext({ env, pages })),
    createServer: (c) => createMcpServer(c),
  });
  return { http, ctx: () => ctx! };
}

async function open(http: HttpServer): Promise<RawSession> {
  const session = await RawSession.open(http);
  if (!(session instanceof RawSession)) {
    throw new Error(`initialize answered ${session.status}`);
  }
  return session;
}

/** Waits until `ok()` holds, at most `ms`; gives the time it took. */
async function until(ok: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - started;
}

/** Answers a question after `release`, with bob's last code. */
function answerWhen(
  emu: { lastSmsCode(login: string): number | undefined },
  release: Promise<void>,
  asked?: () => void,
): Elicit {
  return async () => {
    asked?.();
    await release;
    return { action: "accept", content: { code: emu.lastSmsCode("bob")! } };
  };
}

const ENDINGS = {
  "drops its connection": (_s: RawSession, drop: () => void) => {
    drop();
    return Promise.resolve();
  },
  "ends its session (DELETE)": async (s: RawSession) => {
    assert.equal(await s.delete(), 200);
  },
};

for (const [ending, end] of Object.entries(ENDINGS)) {
  for (const era of ["legacy", "pin"] as const) {
    Deno.test(`mcp over HTTP: a 2025 client that ${ending} while asked for the SMS code holds nothing; the next call (${era}) is asked at once`, async () => {
      await using emu = await startEmulator();
      const { http, ctx } = await serve(cleuraEnv(emu, "bob"));
      await using _http = http;
      const gone = await open(http);
      const { question, drop } = await gone.callUntilAsked(
        1,
        "cleura_list_regions",
      );
      assert.match(JSON.stringify(question), /SMS/);
      assert.equal(ctx().gate.held, true);
      await end(gone, drop);
      // The call was aborted: the gate is free, with no bound to wait out.
      await until(() => !ctx().gate.held, 2_000);
      assert.equal(http.sessions(), ending === "drops its connection" ? 1 : 0);

      let askedAt = 0;
      await using next = await httpClient(http, (request) => {
        askedAt = Date.now();
        return smsAnswer(emu)(request);
      }, { era });
      const started = Date.now();
      const result = await call(next.client, "cleura_list_regions");
      assert.equal(result.isError, false, result.text);
      assert.equal((result.structured?.regions as unknown[]).length, 3);
      assert.equal(next.elicitations.length, 1, "its own question");
      assert.ok(
        askedAt - started < 2_000,
        `asked after ${askedAt - started} ms`,
      );
      assert.equal(emu.counters.smsSent, 1, "the pending code is reused");
    });
  }
}

Deno.test("mcp over HTTP: sessions opened past the cap evict an idle one, never the one being asked; the evicted one answers 404", async () => {
  await using emu = await startEmulator();
  const cap = 16;
  const { http } = await serve(cleuraEnv(emu, "bob"), cap);
  await using _http = http;
  const release = Promise.withResolvers<void>();
  const asked = Promise.withResolvers<void>();
  await using asking = await httpClient(
    http,
    answerWhen(emu, release.promise, asked.resolve),
  );
  const pending = call(asking.client, "cleura_list_regions");
  await asked.promise;
  const idle: RawSession[] = [];
  for (let i = 0; i < cap; i++) idle.push(await open(http));
  assert.equal(http.sessions(), cap);
  // The oldest idle session was closed to make room for the 16th idle one.
  const evicted = await idle[0]!.call(1, "cleura_token_status");
  assert.equal(
    (evicted.error as { message: string }).message,
    "Session not found",
  );
  release.resolve();
  const result = await pending;
  assert.equal(result.isError, false, result.text);
  assert.equal((result.structured?.regions as unknown[]).length, 3);
  for (const s of idle.slice(1)) assert.equal(await s.delete(), 200);
});

Deno.test("mcp over HTTP: a table full of busy sessions answers 503 with Retry-After, and loses nothing", async () => {
  await using emu = await startEmulator();
  const cap = 4;
  const { http } = await serve(cleuraEnv(emu, "bob"), cap);
  await using _http = http;
  const release = Promise.withResolvers<void>();
  const stack = new AsyncDisposableStack();
  await using _stack = stack;
  const pending = [];
  for (let i = 0; i < cap; i++) {
    const asked = Promise.withResolvers<void>();
    const t = stack.use(
      await httpClient(http, answerWhen(emu, release.promise, asked.resolve)),
    );
    pending.push(call(t.client, "cleura_list_regions"));
    if (i === 0) await asked.promise;
  }
  // Every session has a call in flight (one asked, the others waiting).
  await new Promise((r) => setTimeout(r, 500));
  const refused = await RawSession.open(http);
  assert.ok(!(refused instanceof RawSession));
  assert.equal(refused.status, 503);
  assert.match(refused.headers.get("retry-after") ?? "", /^\d+$/);
  assert.match(await refused.text(), /Too many sessions busy/);
  assert.equal(http.sessions(), cap);
  release.resolve();
  const results = await Promise.all(pending);
  for (const r of results) assert.equal(r.isError, false, r.text);
  assert.equal(emu.counters.cleuraLogins, 1);
  // Idle again: a new session evicts the least recently used one.
  const late = await open(http);
  assert.equal(http.sessions(), cap);
  assert.equal(await late.delete(), 200);
});

Deno.test(`mcp over HTTP: 64 clients on the one bearer token, 30 calls each, no error (cap ${MAX_SESSIONS})`, async () => {
  await using emu = await startEmulator();
  const { http } = await serve(itopiaEnv(emu));
  await using _http = http;
  const clients = await Promise.all(
    Array.from({ length: 64 }, () => open(http)),
  );
  assert.equal(http.sessions(), 64);
  let errors = 0;
  await Promise.all(clients.map(async (c) => {
    for (let i = 1; i <= 30; i++) {
      const answer = await c.call(i, "itopia_mint_jwt");
      const result = answer.result as { isError?: boolean } | undefined;
      if (!result || result.isError) errors++;
    }
  }));
  assert.equal(errors, 0);
  assert.equal(http.sessions(), 64);
  await Promise.all(clients.map((c) => c.delete()));
  assert.equal(http.sessions(), 0);
});

Deno.test("mcp --http prints no Deno warning on stderr, in either era", async () => {
  await using emu = await startEmulator();
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-env",
      SERVER,
      "--http",
      "--port",
      "0",
    ],
    env: childEnv({
      ...itopiaEnv(emu),
      CLOUDGATE_MCP_TOKEN: "test-token-0123456789",
    }),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = server.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  try {
    while (!/listening on \S+\/mcp/.test(stderr)) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += value;
    }
    const url = /listening on (\S+)\/mcp/.exec(stderr)![1]!;
    const address = { url, token: "test-token-0123456789" };
    for (const era of ["legacy", "pin"] as const) {
      await using t = await httpClient(address, undefined, { era });
      const minted = await call(t.client, "itopia_mint_jwt");
      assert.equal(minted.isError, false, minted.text);
    }
  } finally {
    server.kill("SIGTERM");
    await server.status;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stderr += value;
    }
  }
  assert.doesNotMatch(stderr, /^Warning/im);
  assert.doesNotMatch(stderr, /request\.signal/);
  assert.deepEqual(
    stderr.trim().split("\n"),
    [`cloudgate MCP server listening on ${
      /listening on (\S+)/.exec(stderr)![1]
    }`],
  );
});
