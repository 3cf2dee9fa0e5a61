/**
 * The Streamable HTTP transport of the MCP server: `/mcp` with sessions (so
 * elicitation knows each client's capabilities), Host and Origin checks
 * against DNS rebinding, a bearer token when bound beyond loopback, a body
 * size limit, a cap and an idle timeout on sessions, and the one-time SMS
 * code pages of URL-mode elicitation.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ConfigError } from "../mod.ts";
import type { ToolContext } from "./context.ts";
import { UrlCodePages } from "./elicit.ts";

/** The largest request body accepted, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How many MCP sessions may be open at once. */
export const MAX_SESSIONS = 64;
/** How long an unused session lives, in milliseconds (30 minutes). */
export const SESSION_IDLE_MS = 30 * 60_000;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Options of {@linkcode serveHttp}. */
export interface HttpServeOptions {
  /** The address to bind (default `127.0.0.1`). */
  hostname?: string;
  /** The port (default 8787; 0 picks a free one). */
  port?: number;
  /** The bearer token clients must send; required when not bound to loopback. */
  token?: string;
  /** Creates the shared state, given the URL-mode code pages. */
  context: (pages: UrlCodePages) => ToolContext;
  /** Creates one MCP server per session. */
  createServer: (ctx: ToolContext) => McpServer;
  /** How long an unused session lives (default 30 minutes). */
  idleMs?: number;
}

/** A running HTTP server. */
export interface HttpServer extends AsyncDisposable {
  /** The origin, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** How many sessions are open. */
  sessions(): number;
  /** Stops the server and closes every session. */
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  detach: () => void;
  lastUsed: number;
}

function plain(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({
      jsonrpc: "2.0",
      error: { code: -32000, message },
      id: null,
    }),
    { status, headers: { "content-type": "application/json", ...headers } },
  );
}

function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  return host.split(":")[0] ?? "";
}

function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
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
        {
          cause: error,
        },
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
 * Serves the MCP server over Streamable HTTP at `/mcp`.
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
  const allowedHosts = new Set(LOOPBACK);
  if (!loopbackBind && hostname !== "0.0.0.0" && hostname !== "::") {
    allowedHosts.add(hostname);
  }
  const idleMs = options.idleMs ?? SESSION_IDLE_MS;
  const sessions = new Map<string, Session>();
  let url = "";
  let ctx: ToolContext | undefined = undefined;

  function checkRequest(request: Request): Response | undefined {
    const host = request.headers.get("host") ?? "";
    if (!allowedHosts.has(hostName(host))) {
      return plain(403, "Forbidden: invalid Host header");
    }
    const origin = request.headers.get("origin");
    if (origin !== null) {
      let originHost = "";
      try {
        originHost = hostName(new URL(origin).host);
      } catch {
        originHost = "";
      }
      if (!allowedHosts.has(originHost)) {
        return plain(403, "Forbidden: invalid Origin header");
      }
    }
    if (options.token) {
      const auth = request.headers.get("authorization") ?? "";
      if (!sameText(auth, `Bearer ${options.token}`)) {
        return plain(401, "Unauthorized", { "www-authenticate": "Bearer" });
      }
    }
    const length = Number(request.headers.get("content-length") ?? "0");
    if (length > MAX_BODY_BYTES) return plain(413, "Request body too large");
    return undefined;
  }

  async function closeSession(id: string): Promise<void> {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    session.detach();
    await session.server.close().catch(() => {});
  }

  async function handleMcp(request: Request): Promise<Response> {
    const id = request.headers.get("mcp-session-id");
    if (id) {
      const session = sessions.get(id);
      if (!session) return plain(404, "Session not found");
      session.lastUsed = Date.now();
      return await session.transport.handleRequest(request);
    }
    if (request.method !== "POST") {
      return plain(400, "Bad Request: no valid session id");
    }
    if (sessions.size >= MAX_SESSIONS) {
      return plain(503, "Too many sessions", { "retry-after": "60" });
    }
    const state = ctx!;
    const server = options.createServer(state);
    const detach = state.attach(server);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      maxRequestBodySize: MAX_BODY_BYTES,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, {
          transport,
          server,
          detach,
          lastUsed: Date.now(),
        });
      },
      onsessionclosed: (sessionId) => closeSession(sessionId),
    });
    await server.connect(transport);
    const response = await transport.handleRequest(request);
    if (!transport.sessionId) {
      detach();
      await server.close().catch(() => {});
    }
    return response;
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const httpServer = listen({
    hostname,
    port: options.port ?? 8787,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: () => plain(500, "Internal server error"),
  }, async (request) => {
    const refused = checkRequest(request);
    if (refused) return refused;
    const path = new URL(request.url).pathname;
    if (path === "/mcp") return await handleMcp(request);
    return (await pages.handle(request, path)) ?? plain(404, "Not found");
  });
  const addr = await listening.promise;
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (now - session.lastUsed > idleMs) closeSession(id);
    }
  }, Math.min(idleMs, 60_000));
  const shownHost = loopbackBind || hostname === "0.0.0.0" || hostname === "::"
    ? "127.0.0.1"
    : hostname;
  url = `http://${
    shownHost.includes(":") ? `[${shownHost}]` : shownHost
  }:${addr.port}`;
  const pages = new UrlCodePages(url);
  ctx = options.context(pages);

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      clearInterval(sweeper);
      await Promise.all([...sessions.keys()].map(closeSession));
      await httpServer.shutdown();
    })();
    return closed;
  };
  return {
    url,
    sessions: () => sessions.size,
    close,
    [Symbol.asyncDispose]: close,
  };
}
