// Helpers for the MCP tests: an SDK v2 client over stdio, HTTP or in memory,
// in either protocol era, with an elicitation handler the test controls.

import assert from "node:assert/strict";
import {
  Client,
  type ElicitRequestFormParams,
  type ElicitRequestURLParams,
  type ElicitResult,
  InMemoryTransport,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import {
  createToolContext,
  type ToolContextOptions,
} from "../../mcp/context.ts";
import { selectTools } from "../../mcp/tool.ts";
import { TOOLS } from "../../mcp/tools/mod.ts";
import { createMcpServer } from "../../mcp/create_server.ts";
import {
  type HttpServeOptions,
  type HttpServer,
  serveHttp,
} from "../../mcp/http.ts";
import type { ToolDefinition } from "../../mcp/tool.ts";
import {
  type Emulator,
  type EmulatorOptions,
  startEmulator,
} from "./emulator.ts";

/** The names of the tools a server lists by default, in order. */
export const LISTED_TOOL_NAMES: readonly string[] = selectTools(TOOLS).map((
  t,
) => t.name);

/**
 * `Deno.test` with the sanitizers off, for tests over a stdio subprocess: the
 * SDK client's stdio transport keeps timers and child handles past `close()`,
 * which both sanitizers report. The HTTP tests keep them on.
 */
export function test(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

export const SERVER = new URL("../../mcp/server.ts", import.meta.url).pathname;

/** The parent's environment without cloudgate's variables, keeping its Deno cache. */
export function childEnv(
  extra: Record<string, string>,
): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (/^(CLEURA|ITOPIA|CLOUDGATE)_/.test(name)) delete env[name];
  }
  env.DENO_DIR ??= `${env.XDG_CACHE_HOME ?? `${env.HOME}/.cache`}/deno`;
  return { ...env, ...extra };
}

/** The parameters of an elicitation, as the client receives them. */
export type ElicitParams = ElicitRequestFormParams | ElicitRequestURLParams;

export type Elicit = (request: ElicitParams) => Promise<ElicitResult>;

/**
 * Which protocol era a test client speaks: `legacy` (2025 `initialize`),
 * `auto` (negotiates, so 2026-07-28 with this server) or `pin` (2026-07-28
 * only).
 */
export type Era = "legacy" | "auto" | "pin";

/** Every era, for tests that run once per era. */
export const ERAS: readonly Era[] = ["legacy", "auto", "pin"];

export interface ClientOptions {
  /** The era (default `legacy`). */
  era?: Era;
  /** Declare URL-mode elicitation too. */
  urlMode?: boolean;
}

export interface TestClient extends AsyncDisposable {
  client: Client;
  elicitations: ElicitParams[];
  logs: string[];
}

function negotiation(era: Era) {
  switch (era) {
    case "legacy":
      return {};
    case "auto":
      return { versionNegotiation: { mode: "auto" as const } };
    case "pin":
      return {
        versionNegotiation: { mode: { pin: "2026-07-28" as const } },
      };
  }
}

function makeClient(
  elicit: Elicit | undefined,
  options: ClientOptions,
): TestClient {
  const client = new Client({ name: "cloudgate-test", version: "1.0.0" }, {
    capabilities: elicit
      ? { elicitation: options.urlMode ? { form: {}, url: {} } : { form: {} } }
      : {},
    ...negotiation(options.era ?? "legacy"),
  });
  const elicitations: ElicitParams[] = [];
  const logs: string[] = [];
  if (elicit) {
    client.setRequestHandler("elicitation/create", (request) => {
      const params = request.params as ElicitParams;
      elicitations.push(params);
      return elicit(params);
    });
  }
  client.setNotificationHandler("notifications/message", (n) => {
    logs.push(`${n.params.level}: ${String(n.params.data)}`);
  });
  return {
    client,
    elicitations,
    logs,
    [Symbol.asyncDispose]: () => client.close(),
  };
}

/**
 * An SDK client connected to `mcp/server.ts` over stdio. With `cacheHome`
 * the server may read and write that folder only, and has it as
 * `XDG_CACHE_HOME` (its token cache); without, it may touch no file.
 */
export async function stdioClient(
  env: Record<string, string>,
  elicit?: Elicit,
  options: ClientOptions & { cacheHome?: string } = {},
): Promise<TestClient> {
  const test = makeClient(elicit, options);
  const { cacheHome } = options;
  const files = cacheHome === undefined
    ? []
    : [`--allow-read=${cacheHome}`, `--allow-write=${cacheHome}`];
  await test.client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", "--allow-net=127.0.0.1", "--allow-env", ...files, SERVER],
      env: childEnv({
        ...env,
        ...(cacheHome === undefined ? {} : { XDG_CACHE_HOME: cacheHome }),
      }),
      stderr: "ignore",
    }),
  );
  return test;
}

/** What a test needs of an HTTP server: its origin and bearer token. */
export interface ServerAddress {
  /** The origin, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The bearer token, if the server wants one. */
  token?: string | undefined;
}

/** The headers of a request to `server`: its bearer token, if any. */
export function authHeaders(server: ServerAddress): Record<string, string> {
  return server.token ? { authorization: `Bearer ${server.token}` } : {};
}

/** An SDK client connected to an HTTP server, with its bearer token. */
export async function httpClient(
  server: ServerAddress,
  elicit?: Elicit,
  options: ClientOptions & { token?: string } = {},
): Promise<TestClient> {
  const test = makeClient(elicit, options);
  const token = options.token ?? server.token;
  const transport = new StreamableHTTPClientTransport(
    new URL(`${server.url}/mcp`),
    token
      ? { requestInit: { headers: { authorization: `Bearer ${token}` } } }
      : {},
  );
  await test.client.connect(transport);
  const close = test[Symbol.asyncDispose];
  test[Symbol.asyncDispose] = async () => {
    if (transport.sessionId) await transport.terminateSession().catch(() => {});
    await close();
  };
  return test;
}

export interface ToolText {
  isError: boolean;
  text: string;
  structured: Record<string, unknown> | undefined;
}

/** Calls a tool and returns its text, error flag and structured content. */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  meta?: Record<string, unknown>,
): Promise<ToolText> {
  const result = await client.callTool({
    name,
    arguments: args,
    ...(meta ? { _meta: meta } : {}),
  });
  const content = result.content as { type: string; text?: string }[];
  return {
    isError: result.isError === true,
    text: content.map((c) => c.text ?? "").join("\n"),
    structured: result.structuredContent as Record<string, unknown> | undefined,
  };
}

/**
 * An SDK client connected in-process to a fresh server (one per call, so one
 * Cleura session each), for tests that call tools many times.
 */
export async function memoryClient(
  env: Record<string, string>,
  elicit?: Elicit,
  options: { timeoutMs?: number } = {},
): Promise<TestClient> {
  const test = makeClient(elicit, {});
  const ctx = createToolContext({
    env,
    ...(options.timeoutMs === undefined
      ? {}
      : { timeoutMs: options.timeoutMs }),
  });
  const server = createMcpServer(ctx);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await test.client.connect(clientSide);
  const close = test[Symbol.asyncDispose];
  test[Symbol.asyncDispose] = async () => {
    await close();
    await server.close();
    await ctx.pages.closeAll();
  };
  return test;
}

/**
 * Runs `deno run --allow-net=127.0.0.1 --allow-env FILE`, writes the messages
 * as JSON lines, closes stdin, and returns the exit code and every message
 * written to stdout.
 */
export async function exchange(
  file: string,
  env: Record<string, string>,
  messages: unknown[],
): Promise<{ code: number; messages: Record<string, unknown>[] }> {
  const child = spawnStdio(file, env);
  const writer = child.stdin.getWriter();
  await writer.write(jsonLines(messages));
  await writer.close();
  const { code, stdout } = await child.output();
  const lines = new TextDecoder().decode(stdout).split("\n").filter((l) =>
    l.trim() !== ""
  );
  return { code, messages: lines.map((l) => JSON.parse(l)) };
}

/** Messages as the JSON lines of the stdio transport; a string is sent as it is. */
export function jsonLines(messages: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(
    messages.map((m) => `${typeof m === "string" ? m : JSON.stringify(m)}\n`)
      .join(""),
  );
}

/** The JSON-RPC request that calls tool `name` with no arguments. */
export function toolCall(id: number, name: string): Record<string, unknown> {
  return {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: {} },
  };
}

/** A local port with nothing listening on it. */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The JSON-RPC messages a client opens with: initialize, initialized, tools/list. */
export const OPENING: readonly Record<string, unknown>[] = [
  {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "cloudgate-test", version: "1" },
    },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list" },
];

/** Spawns a stdio server with piped stdin and stdout, as `exchange` does. */
export function spawnStdio(
  file: string,
  env: Record<string, string>,
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", file],
    env: childEnv(env),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

/**
 * Cancels a `cleura_list_regions` call while the user is being asked for the
 * code (the user never answers; the client gives up), then makes a second
 * call that is answered. Returns the second call's result, how long after its
 * start its question came, and how many questions there were.
 */
export async function cancelWhileAsked(
  code: () => number,
  connect: (elicit: Elicit) => Promise<TestClient>,
): Promise<{ second: ToolText; askedAfterMs: number; asks: number }> {
  const abort = new AbortController();
  const firstAsked = Promise.withResolvers<void>();
  let asks = 0;
  let secondAskAt = 0;
  await using t = await connect(async () => {
    if (++asks === 1) {
      firstAsked.resolve();
      await new Promise((r) => abort.signal.addEventListener("abort", r));
      throw new Error("abandoned");
    }
    secondAskAt = Date.now();
    return { action: "accept", content: { code: code() } };
  });
  const first = t.client.callTool(
    { name: "cleura_list_regions", arguments: {} },
    { signal: abort.signal },
  ).then(() => undefined, (error: unknown) => error);
  await firstAsked.promise;
  abort.abort();
  if (!((await first) instanceof Error)) {
    throw new Error("the cancelled call did not fail");
  }
  const started = Date.now();
  const second = await call(t.client, "cleura_list_regions");
  return { second, askedAfterMs: secondAskAt - started, asks };
}

/**
 * POSTs one JSON-RPC message (by default the 2025 `initialize`) to a server's
 * `/mcp`, as a 2025 client would, with the given authorization header.
 */
export function postMcp(
  url: string,
  authorization?: string,
  message: unknown = OPENING[0],
): Promise<Response> {
  return fetch(url.endsWith("/mcp") ? url : `${url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(message),
  });
}

/** Types a code into a one-time SMS page, as the user's browser would. */
export async function typeCode(url: string, code: number): Promise<number> {
  const posted = await fetch(url, {
    method: "POST",
    body: new URLSearchParams({ code: String(code).padStart(6, "0") }),
  });
  await posted.body?.cancel();
  return posted.status;
}

export interface ServeOptions
  extends Omit<HttpServeOptions, "context" | "createServer"> {
  /** The tools served (default: cloudgate's). */
  tools?: readonly ToolDefinition[];
  /** More of the tool context's options: a state key, its lifetime. */
  context?: Omit<ToolContextOptions, "env" | "pages">;
}

/**
 * Serves the tools over HTTP, on a free port of 127.0.0.1 unless `options`
 * say otherwise, with `env` as the environment of every call.
 */
export function serveMcp(
  env: Record<string, string>,
  options: ServeOptions = {},
): Promise<HttpServer> {
  const { tools, context, ...http } = options;
  return serveHttp({
    port: 0,
    ...http,
    context: (pages) => createToolContext({ env, pages, ...context }),
    createServer: (ctx) => createMcpServer(ctx, tools),
  });
}

/** Answers an SMS code question with the code the emulator last sent `login`. */
export function smsAnswer(emu: Emulator, login = "bob"): Elicit {
  return (request) => {
    assert.match(request.message, /SMS/);
    return Promise.resolve({
      action: "accept",
      content: { code: emu.lastSmsCode(login)! },
    });
  };
}

/** Where a set-up's MCP server runs: in this process, a child over stdio, or HTTP. */
export type Transport = "memory" | "stdio" | "http";

export interface SetUpOptions extends ClientOptions {
  /** Where the server runs (default `memory`). */
  transport?: Transport;
  /** The emulator's options. */
  emulator?: EmulatorOptions;
  /**
   * How the client answers questions: `sms` with the code sent to bob,
   * `page` by typing that code on the one-time page (see `typeOnPage`), or a
   * handler made from the emulator. None by default (no elicitation).
   */
  elicit?: "sms" | "page" | ((emu: Emulator) => Elicit);
}

/** An emulator, the server on it, and a client; disposed in the reverse order. */
export interface SetUp extends TestClient {
  emu: Emulator;
  /** The HTTP server, with `transport: "http"`. */
  http?: HttpServer;
  /** The code pages opened, with `elicit: "page"`. */
  visits: PageVisit[];
}

/**
 * The set-up of most MCP tests: starts an emulator, a server whose
 * environment is `env(emu)` (an account's variables) and a client of it.
 */
export async function setUp(
  env: (emu: Emulator) => Record<string, string>,
  options: SetUpOptions = {},
): Promise<SetUp> {
  const { transport = "memory", emulator, elicit, ...client } = options;
  const stack = new AsyncDisposableStack();
  try {
    const emu = stack.use(await startEmulator(emulator));
    const visits: PageVisit[] = [];
    const answer = elicit === "sms"
      ? smsAnswer(emu)
      : elicit === "page"
      ? typeOnPage(emu, visits)
      : elicit?.(emu);
    let http: HttpServer | undefined;
    let t: TestClient;
    if (transport === "http") {
      http = stack.use(await serveMcp(env(emu)));
      t = stack.use(await httpClient(http, answer, client));
    } else if (transport === "stdio") {
      t = stack.use(await stdioClient(env(emu), answer, client));
    } else {
      t = stack.use(await memoryClient(env(emu), answer));
    }
    const moved = stack.move();
    return {
      ...t,
      emu,
      visits,
      ...(http ? { http } : {}),
      [Symbol.asyncDispose]: () => moved.disposeAsync(),
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/**
 * Makes 20 tool calls at once (regions and domains in turn) and checks that
 * all succeed with one login, one SMS, one verification and one question.
 */
export async function assertTwentyShareOneLogin(t: SetUp): Promise<void> {
  const results = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) =>
        call(t.client, i % 2 ? "cleura_list_regions" : "cleura_list_domains"),
    ),
  );
  assert.ok(
    results.every((r) => !r.isError),
    results.map((r) => r.text).join(),
  );
  assert.equal(t.emu.counters.smsSent, 1);
  assert.equal(t.emu.counters.cleuraLogins, 1);
  assert.equal(t.emu.counters.smsVerifications, 1);
  assert.equal(t.elicitations.length, 1);
}

/** A one-time code page a client was sent to: its URL and what it showed. */
export interface PageVisit {
  url: string;
  page: string;
}

/**
 * Answers a URL-mode SMS question as the user does in a browser: opens the
 * page (recorded in `visits`), types the code the emulator sent bob, which
 * the page must take, and accepts.
 */
export function typeOnPage(emu: Emulator, visits: PageVisit[]): Elicit {
  return async (request) => {
    assert.equal(request.mode, "url");
    const { url } = request as { url: string };
    const page = await (await fetch(url)).text();
    visits.push({ url, page });
    assert.equal(await typeCode(url, emu.lastSmsCode("bob")!), 200);
    return { action: "accept" };
  };
}

/**
 * Calls `cleura_list_regions` on a set-up with `elicit: "page"`: the call
 * must succeed after one page visit, which it returns, and the code must
 * never pass through the client.
 */
export async function regionsThroughPage(t: SetUp): Promise<PageVisit> {
  const result = await call(t.client, "cleura_list_regions");
  assert.equal(result.isError, false, result.text);
  assert.equal(t.visits.length, 1);
  assert.ok(
    !JSON.stringify(t.elicitations).includes(String(t.emu.lastSmsCode("bob"))),
    "the code never passes through the client",
  );
  return t.visits[0]!;
}
