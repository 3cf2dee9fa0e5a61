/**
 * The Streamable HTTP transport of the MCP server, one `/mcp` endpoint for
 * both protocol eras: 2026-07-28 requests are served per request by the
 * SDK's `createMcpHandler`; 2025 clients get a session (so the server can
 * still ask them for the SMS code mid-call). In front of both: Host and
 * Origin checks against DNS rebinding, a bearer token when bound beyond
 * loopback, a body size limit read while streaming, a cap and an idle timeout
 * on sessions, and the one-time SMS code pages of URL-mode elicitation.
 *
 * Nothing waits on a client that is gone: when the body of a streamed answer
 * is cancelled (the client closed the connection), the calls of that request
 * are aborted, and a session that is closed (DELETE, evicted, idle) aborts
 * its own. The server never reads Deno's `request.signal` (reading it prints
 * a warning about its legacy abort): an answer not yet streamed when the
 * client leaves runs to its end, and is then dropped.
 *
 * @module
 */

import {
  createMcpHandler,
  isLegacyRequest,
  type McpServer,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { ConfigError } from "../lib/errors.ts";
import { UrlCodePages } from "./code_pages.ts";
import type { ToolContext } from "./context.ts";
import {
  authority,
  bearer,
  FailureThrottle,
  listen,
  MIN_TOKEN_LENGTH,
  plain,
  randomToken,
  sameText,
} from "./http_guard.ts";
import { readLimited } from "../lib/bytes.ts";
import {
  cancelRequests,
  requestIds,
  type Session,
  SessionTable,
  watchBody,
} from "./http_sessions.ts";

/** The largest request body accepted, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * How many 2025-era sessions may be open at once, in all: every local client
 * shares the one bearer token, so there is no cap per token. An idle session
 * holds about 130 KB (the server's RSS grew 126–131 KB a session over 128
 * sessions, `bench/http_load.ts`), so the table holds about 17 MB at most.
 * When the table is full, the least recently used idle session is closed to
 * make room; when every session is busy, a new one gets 503.
 */
export const MAX_SESSIONS = 128;
/** How long an unused session lives, in milliseconds (30 minutes). */
export const SESSION_IDLE_MS = 30 * 60_000;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Options of {@linkcode serveHttp}. */
export interface HttpServeOptions {
  /** The address to bind (default `127.0.0.1`). */
  hostname?: string;
  /** The port (default 8787; 0 picks a free one). */
  port?: number;
  /**
   * The bearer token clients must send; when omitted, a random 256-bit token
   * is made (see {@linkcode HttpServer.token}). Required beyond loopback.
   */
  token?: string;
  /**
   * Serve without a bearer token. Only for tests of a loopback server with a
   * client that cannot send one (a conformance suite); refused beyond
   * loopback, and never set by the command line.
   */
  unauthenticated?: boolean;
  /** Creates the shared state, given the URL-mode code pages. */
  context: (pages: UrlCodePages) => ToolContext;
  /** Creates one MCP server (per request, or per 2025 session). */
  createServer: (ctx: ToolContext) => McpServer;
  /** How long an unused session lives (default 30 minutes). */
  idleMs?: number;
  /** The cap on open sessions (default {@linkcode MAX_SESSIONS}). */
  maxSessions?: number;
  /**
   * Beyond loopback, how many refused tokens an address may send in a window
   * before it gets 429 with `Retry-After` until the window ends (default 10
   * in 60 seconds). Loopback clients are not throttled.
   */
  throttle?: { failures: number; windowMs: number };
}

/** A running HTTP server. */
export interface HttpServer extends AsyncDisposable {
  /** The origin, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The bearer token every request to `/mcp` must carry. */
  token: string | undefined;
  /**
   * The address and port bound, e.g. `0.0.0.0:8787` (where `url` says
   * `127.0.0.1`, the address this machine's clients use).
   */
  bound: string;
  /** How many 2025-era sessions are open. */
  sessions(): number;
  /** Stops the server and closes every session. */
  close(): Promise<void>;
}

/**
 * Serves the MCP server over Streamable HTTP at `/mcp`, both eras.
 *
 * @param options Address, port, token and factories.
 * @returns The running server.
 * @throws {ConfigError} When bound beyond loopback without a token.
 */
export async function serveHttp(
  options: HttpServeOptions,
): Promise<HttpServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const loopbackBind = LOOPBACK.has(hostname);
  if (!loopbackBind && !options.token) {
    throw new ConfigError(
      `CLOUDGATE_MCP_TOKEN must be set to serve on "${hostname}": beyond loopback every client must send it as a bearer token`,
    );
  }
  if (!loopbackBind && options.token!.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `CLOUDGATE_MCP_TOKEN is too short to serve on "${hostname}": beyond loopback it must be at least ${MIN_TOKEN_LENGTH} random characters (e.g. from \`openssl rand -base64 32\`)`,
    );
  }
  const token = options.unauthenticated
    ? undefined
    : options.token ?? randomToken();
  const throttle = loopbackBind ? undefined : new FailureThrottle(
    options.throttle?.failures ?? 10,
    options.throttle?.windowMs ?? 60_000,
  );
  const allowedHosts = new Set(LOOPBACK);
  if (!loopbackBind && hostname !== "0.0.0.0" && hostname !== "::") {
    allowedHosts.add(hostname);
  }
  const idleMs = options.idleMs ?? SESSION_IDLE_MS;
  const sessions = new SessionTable(options.maxSessions ?? MAX_SESSIONS);
  const shared: { ctx?: ToolContext } = {};
  const modern = createMcpHandler(() => options.createServer(shared.ctx!), {
    legacy: "reject",
  });

  let port = "";

  /** Host and Origin: this server's own, never a page's (DNS rebinding). */
  function checkOrigin(request: Request): Response | undefined {
    const host = authority(request.headers.get("host") ?? "", "http");
    if (!host || !allowedHosts.has(host.hostname) || host.port !== port) {
      return plain(403, "Forbidden: invalid Host header");
    }
    const origin = request.headers.get("origin");
    if (origin !== null) {
      const from = authority(origin, "origin");
      if (!from || !allowedHosts.has(from.hostname) || from.port !== port) {
        return plain(403, "Forbidden: invalid Origin header");
      }
    }
    return undefined;
  }

  /**
   * The bearer token, compared in constant time; beyond loopback, an address
   * that sent too many wrong ones waits first.
   */
  function checkToken(request: Request, from: string): Response | undefined {
    if (token === undefined) return undefined;
    const wait = throttle?.blocked(from);
    if (wait !== undefined) {
      return plain(
        429,
        "Too many wrong tokens from this address: retry later",
        {
          "retry-after": String(wait),
        },
      );
    }
    const sent = bearer(request.headers.get("authorization"));
    if (sent === undefined || !sameText(sent, token)) {
      throttle?.fail(from);
      return plain(401, "Unauthorized: send Authorization: Bearer <token>", {
        "www-authenticate": 'Bearer realm="cloudgate"',
      });
    }
    return undefined;
  }

  async function startSession(
    request: Request,
    parsedBody: unknown,
  ): Promise<Response> {
    const reserved = sessions.reserve();
    if (!reserved) {
      return plain(503, "Too many sessions busy: retry later", {
        "retry-after": "5",
      });
    }
    try {
      const server = options.createServer(shared.ctx!);
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (sessionId) => {
          sessions.add(sessionId, {
            transport,
            server,
            lastUsed: Date.now(),
            busy: 0,
          });
        },
        onsessionclosed: (sessionId) => sessions.close(sessionId),
      });
      await server.connect(transport);
      const response = await transport.handleRequest(request, { parsedBody });
      if (!transport.sessionId) await server.close().catch(() => {});
      return response;
    } finally {
      reserved();
    }
  }

  /**
   * Serves one request of a session, which stays busy until the answer's
   * body has ended or been cancelled; a cancelled body cancels the requests
   * it was to answer.
   */
  async function use(
    session: Session,
    ids: readonly (string | number)[],
    fn: () => Promise<Response>,
  ): Promise<Response> {
    session.lastUsed = Date.now();
    session.busy++;
    let response: Response;
    try {
      response = await fn();
    } catch (error) {
      session.busy--;
      throw error;
    }
    return watchBody(response, (cancelled) => {
      session.busy--;
      session.lastUsed = Date.now();
      if (cancelled) cancelRequests(session, ids);
    });
  }

  async function handleMcp(request: Request): Promise<Response> {
    const id = request.headers.get("mcp-session-id");
    if (request.method !== "POST") {
      const session = id ? sessions.get(id) : undefined;
      if (id && !session) return plain(404, "Session not found");
      if (!session) {
        return plain(405, "Method not allowed: POST to /mcp", {
          allow: "POST",
        });
      }
      if (request.method === "GET") {
        // The standalone stream of server messages: open as long as the
        // client likes, so it does not make the session busy.
        session.lastUsed = Date.now();
        return await session.transport.handleRequest(request);
      }
      return await use(
        session,
        [],
        () => session.transport.handleRequest(request),
      );
    }
    const body = await readLimited(request.body, MAX_BODY_BYTES);
    if (body === undefined) return plain(413, "Request body too large");
    const text = new TextDecoder().decode(body);
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(text);
    } catch {
      return new Response(
        JSON.stringify({
          jsonrpc: "2.0",
          id: null,
          error: { code: -32700, message: "Parse error: the body is not JSON" },
        }),
        { status: 400, headers: { "content-type": "application/json" } },
      );
    }
    // The SDK's per-request transport closes the exchange when this signal
    // aborts: when the streamed answer's body is cancelled.
    const gone = new AbortController();
    const replay = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: body as Uint8Array<ArrayBuffer>,
      signal: gone.signal,
    });
    if (id) {
      const session = sessions.get(id);
      if (!session) return plain(404, "Session not found");
      return await use(
        session,
        requestIds(parsedBody),
        () => session.transport.handleRequest(replay, { parsedBody }),
      );
    }
    if (await isLegacyRequest(replay, parsedBody)) {
      return await startSession(replay, parsedBody);
    }
    return watchBody(
      await modern.fetch(replay, { parsedBody }),
      (cancelled) => {
        if (cancelled) gone.abort();
      },
    );
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const httpServer = listen({
    hostname,
    port: options.port ?? 8787,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: () => plain(500, "Internal server error"),
  }, async (request, info) => {
    const foreign = checkOrigin(request);
    if (foreign) return foreign;
    const path = new URL(request.url).pathname;
    // A one-time SMS code page answers only its own unguessable path, once,
    // and needs no bearer token: the user's browser has none.
    if (path.startsWith("/sms/")) {
      return (await pages.handle(request, path)) ?? plain(404, "Not found");
    }
    const refused = checkToken(
      request,
      (info.remoteAddr as Deno.NetAddr).hostname,
    );
    if (refused) return refused;
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > MAX_BODY_BYTES) return plain(413, "Request body too large");
    if (path === "/mcp") return await handleMcp(request);
    return plain(404, "Not found");
  });
  const addr = await listening.promise;
  port = String(addr.port);
  const sweeper = setInterval(
    () => sessions.sweep(idleMs),
    Math.min(idleMs, 60_000),
  );
  const shownHost = loopbackBind || hostname === "0.0.0.0" || hostname === "::"
    ? "127.0.0.1"
    : hostname;
  const url = `http://${
    shownHost.includes(":") ? `[${shownHost}]` : shownHost
  }:${addr.port}`;
  const pages = new UrlCodePages(url);
  shared.ctx = options.context(pages);

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      clearInterval(sweeper);
      await sessions.closeAll();
      await modern.close().catch(() => {});
      await pages.closeAll();
      await httpServer.shutdown();
    })();
    return closed;
  };
  return {
    url,
    token,
    bound: `${
      hostname.includes(":") ? `[${hostname}]` : hostname
    }:${addr.port}`,
    sessions: () => sessions.size,
    close,
    [Symbol.asyncDispose]: close,
  };
}
