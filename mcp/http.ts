/**
 * The Streamable HTTP transport of the MCP server, one `/mcp` endpoint for
 * both protocol eras: 2026-07-28 requests are served per request by the
 * SDK's `createMcpHandler`; 2025 clients get a session (so the server can
 * still ask them for the SMS code mid-call). In front of both: Host and
 * Origin checks against DNS rebinding, a bearer token when bound beyond
 * loopback, a body size limit read while streaming, a cap and an idle timeout
 * on sessions, and the one-time SMS code pages of URL-mode elicitation.
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
  plain,
  randomToken,
  sameText,
} from "./http_guard.ts";
import { readLimited } from "../lib/bytes.ts";

/** The largest request body accepted, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How many 2025-era sessions may be open at once. */
export const MAX_SESSIONS = 64;
/** How many 2025-era sessions one bearer token may hold at once. */
export const MAX_SESSIONS_PER_TOKEN = 16;
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
}

/** A running HTTP server. */
export interface HttpServer extends AsyncDisposable {
  /** The origin, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** The bearer token every request to `/mcp` must carry. */
  token: string | undefined;
  /** How many 2025-era sessions are open. */
  sessions(): number;
  /** Stops the server and closes every session. */
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
  /** Requests of this session being answered now. */
  busy: number;
  /** The bearer token that opened it. */
  owner: string;
}

/** `Deno.serve`, with a refused address or permission as a one-line ConfigError. */
function listen(
  options: Deno.ServeTcpOptions,
  handler: Deno.ServeHandler,
): Deno.HttpServer<Deno.NetAddr> {
  const where = `${options.hostname}:${options.port}`;
  try {
    return Deno.serve(options, handler);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ConfigError(
        `Cannot listen on ${where}: not permitted (run with --allow-net=${where})`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `Cannot listen on ${where}: the address is in use`,
        { cause: error },
      );
    }
    throw new ConfigError(
      `Cannot listen on ${where}: ${
        error instanceof Error ? error.name : "failed"
      }`,
      { cause: error },
    );
  }
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
  const token = options.unauthenticated
    ? undefined
    : options.token ?? randomToken();
  const allowedHosts = new Set(LOOPBACK);
  if (!loopbackBind && hostname !== "0.0.0.0" && hostname !== "::") {
    allowedHosts.add(hostname);
  }
  const idleMs = options.idleMs ?? SESSION_IDLE_MS;
  const sessions = new Map<string, Session>();
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

  /** The bearer token, compared in constant time. */
  function checkToken(request: Request): Response | undefined {
    if (token === undefined) return undefined;
    const sent = bearer(request.headers.get("authorization"));
    if (sent === undefined || !sameText(sent, token)) {
      return plain(401, "Unauthorized: send Authorization: Bearer <token>", {
        "www-authenticate": 'Bearer realm="cloudgate"',
      });
    }
    return undefined;
  }

  async function closeSession(id: string): Promise<void> {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    await session.server.close().catch(() => {});
  }

  /**
   * Makes room for one more session of `owner`: within the caps, or by
   * closing the least recently used idle session (of that owner when it is
   * the one at its cap).
   */
  async function makeRoom(owner: string): Promise<boolean> {
    const mine = [...sessions].filter(([, s]) => s.owner === owner);
    const pool = mine.length >= MAX_SESSIONS_PER_TOKEN
      ? mine
      : sessions.size >= MAX_SESSIONS
      ? [...sessions]
      : undefined;
    if (!pool) return true;
    const idle = pool.filter(([, s]) => s.busy === 0)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed)[0];
    if (!idle) return false;
    await closeSession(idle[0]);
    return true;
  }

  async function startSession(
    request: Request,
    parsedBody: unknown,
  ): Promise<Response> {
    const owner = token ?? "";
    if (!(await makeRoom(owner))) {
      return plain(503, "Too many sessions", { "retry-after": "60" });
    }
    const server = options.createServer(shared.ctx!);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, {
          transport,
          server,
          lastUsed: Date.now(),
          busy: 0,
          owner,
        });
      },
      onsessionclosed: (sessionId) => closeSession(sessionId),
    });
    await server.connect(transport);
    const response = await transport.handleRequest(request, { parsedBody });
    if (!transport.sessionId) await server.close().catch(() => {});
    return response;
  }

  async function use(
    session: Session,
    fn: () => Promise<Response>,
  ): Promise<Response> {
    session.lastUsed = Date.now();
    session.busy++;
    try {
      return await fn();
    } finally {
      session.busy--;
      session.lastUsed = Date.now();
    }
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
      return await use(session, () => session.transport.handleRequest(request));
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
    const replay = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: body as Uint8Array<ArrayBuffer>,
      signal: request.signal,
    });
    if (id) {
      const session = sessions.get(id);
      if (!session) return plain(404, "Session not found");
      return await use(
        session,
        () => session.transport.handleRequest(replay, { parsedBody }),
      );
    }
    if (await isLegacyRequest(replay, parsedBody)) {
      return await startSession(replay, parsedBody);
    }
    return await modern.fetch(replay, { parsedBody });
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const httpServer = listen({
    hostname,
    port: options.port ?? 8787,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: () => plain(500, "Internal server error"),
  }, async (request) => {
    const foreign = checkOrigin(request);
    if (foreign) return foreign;
    const path = new URL(request.url).pathname;
    // A one-time SMS code page answers only its own unguessable path, once,
    // and needs no bearer token: the user's browser has none.
    if (path.startsWith("/sms/")) {
      return (await pages.handle(request, path)) ?? plain(404, "Not found");
    }
    const refused = checkToken(request);
    if (refused) return refused;
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > MAX_BODY_BYTES) return plain(413, "Request body too large");
    if (path === "/mcp") return await handleMcp(request);
    return plain(404, "Not found");
  });
  const addr = await listening.promise;
  port = String(addr.port);
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (now - session.lastUsed > idleMs) closeSession(id);
    }
  }, Math.min(idleMs, 60_000));
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
      await Promise.all([...sessions.keys()].map(closeSession));
      await modern.close().catch(() => {});
      await pages.closeAll();
      await httpServer.shutdown();
    })();
    return closed;
  };
  return {
    url,
    token,
    sessions: () => sessions.size,
    close,
    [Symbol.asyncDispose]: close,
  };
}
