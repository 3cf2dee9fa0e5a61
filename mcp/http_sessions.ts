/**
 * The 2025-era sessions of the HTTP transport: one table under one cap, busy
 * while any answer of theirs is still streaming, and the watch on a streamed
 * answer that tells the SDK its requests were cancelled when the client goes
 * away (Deno cancels a response body when the connection closes).
 *
 * @module
 */

import type {
  McpServer,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";

/**
 * One 2025-era session.
 *
 * @example
 * ```ts ignore
 * const session: Session = { transport, server, lastUsed: Date.now(), busy: 0 };
 * ```
 */
export interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
  /**
   * Requests of this session being answered now: from their arrival until
   * the body of their answer has ended or been cancelled.
   */
  busy: number;
}

/**
 * The open sessions, at most `max` of them, the busy ones never evicted.
 *
 * @example
 * ```ts ignore
 * const sessions = new SessionTable(128);
 * const reserved = sessions.reserve(); // undefined: answer 503
 * try {
 *   sessions.add(id, session); // once `initialize` is answered
 * } finally {
 *   reserved?.();
 * }
 * ```
 */
export class SessionTable {
  readonly #sessions = new Map<string, Session>();
  /** Slots taken by sessions being opened (their `initialize` in flight). */
  #opening = 0;

  /**
   * @param max The cap on open sessions.
   */
  constructor(readonly max: number) {}

  /** How many sessions are open. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session of `id`, if it is open. */
  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Adds a session that has been opened. */
  add(id: string, session: Session): void {
    this.#sessions.set(id, session);
  }

  /** Closes a session; the SDK aborts the calls it has in flight. */
  async close(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    await session.server.close().catch(() => {});
  }

  /**
   * Takes a slot for a session about to open: a free one, or that of the
   * least recently used idle session, which is closed (its client gets 404
   * and starts a new session). Gives `undefined` when every session is busy;
   * else a function that gives the slot back once the opening is over
   * (opened or not).
   */
  reserve(): (() => void) | undefined {
    if (this.#sessions.size + this.#opening >= this.max) {
      let victim: [string, Session] | undefined;
      for (const entry of this.#sessions) {
        if (entry[1].busy > 0) continue;
        if (!victim || entry[1].lastUsed < victim[1].lastUsed) victim = entry;
      }
      if (!victim) return undefined;
      this.#sessions.delete(victim[0]);
      victim[1].server.close().catch(() => {});
    }
    this.#opening++;
    let given = false;
    return () => {
      if (!given) this.#opening--;
      given = true;
    };
  }

  /** Closes the idle sessions unused for more than `idleMs`. */
  sweep(idleMs: number, now = Date.now()): void {
    for (const [id, session] of this.#sessions) {
      if (session.busy === 0 && now - session.lastUsed > idleMs) {
        this.close(id);
      }
    }
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((id) => this.close(id)));
  }
}

/**
 * The ids of the JSON-RPC requests in a POST's body (one message or a batch).
 *
 * @example
 * ```ts ignore
 * requestIds([{ jsonrpc: "2.0", id: 7, method: "tools/call" }]); // [7]
 * ```
 */
export function requestIds(body: unknown): (string | number)[] {
  const messages = Array.isArray(body) ? body : [body];
  const ids: (string | number)[] = [];
  for (const m of messages) {
    if (m === null || typeof m !== "object") continue;
    const { id, method } = m as { id?: unknown; method?: unknown };
    if (typeof method !== "string") continue;
    if (typeof id === "string" || typeof id === "number") ids.push(id);
  }
  return ids;
}

/**
 * Watches the body of a streamed (`text/event-stream`) answer: `done` runs
 * once, when the body has ended (`false`) or was cancelled or failed
 * (`true`: the client is gone). Any other answer is done at once.
 *
 * @param response The answer.
 * @param done Called once the answer is over.
 * @returns The answer to send, with the watched body.
 *
 * @example
 * ```ts ignore
 * return watchBody(await transport.handleRequest(request), (cancelled) => {
 *   if (cancelled) cancelRequests(session, ids);
 * });
 * ```
 */
export function watchBody(
  response: Response,
  done: (cancelled: boolean) => void,
): Response {
  const body = response.body;
  const type = response.headers.get("content-type") ?? "";
  if (body === null || !type.startsWith("text/event-stream")) {
    done(false);
    return response;
  }
  let over = false;
  const finish = (cancelled: boolean) => {
    if (over) return;
    over = true;
    done(cancelled);
  };
  const reader = body.getReader();
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        finish(true);
        controller.error(error);
        return;
      }
      if (over) return;
      if (chunk.done) {
        finish(false);
        controller.close();
      } else {
        controller.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      finish(true);
      return reader.cancel(reason).catch(() => {});
    },
  });
  return new Response(watched, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Tells a session's SDK server that requests were cancelled, as the client
 * would with `notifications/cancelled`: the SDK aborts each call's
 * `ctx.mcpReq.signal`, which releases what the call holds (the login gate,
 * a pending question). Requests already answered are not affected.
 *
 * @param session The session.
 * @param ids The requests' ids.
 *
 * @example
 * ```ts ignore
 * cancelRequests(session, [7]); // tools/call 7 sees ctx.mcpReq.signal abort
 * ```
 */
export function cancelRequests(
  session: Session,
  ids: readonly (string | number)[],
): void {
  for (const requestId of ids) {
    session.transport.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, reason: "The client closed the connection" },
    });
  }
}
