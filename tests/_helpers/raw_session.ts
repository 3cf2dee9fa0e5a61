// A bare 2025-era HTTP client made of fetch calls: `initialize`, then POSTs
// whose SSE answers are read event by event, so a test can drop the
// connection at any point (as a client that exits does), without the
// `notifications/cancelled` an SDK client would send.

import { authHeaders, type ServerAddress } from "./mcp.ts";

export type Message = Record<string, unknown>;

/** The JSON-RPC messages of an SSE answer, as they arrive. */
export async function* sseMessages(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<Message> {
  let buffer = "";
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    buffer += text;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split("\n").filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trim()).join("");
      if (data !== "") yield JSON.parse(data);
    }
  }
}

/** A 2025-era session opened with fetch alone. */
export class RawSession {
  private constructor(
    readonly server: ServerAddress,
    readonly id: string,
  ) {}

  /** The headers of a request of this session (or of its opening). */
  static headers(server: ServerAddress, id?: string): Record<string, string> {
    return {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
      ...(id ? { "mcp-session-id": id } : {}),
      ...authHeaders(server),
    };
  }

  /**
   * Opens a session that declares form elicitation; gives the response
   * instead when the server refuses (e.g. 503).
   */
  static async open(server: ServerAddress): Promise<RawSession | Response> {
    const response = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: RawSession.headers(server),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: { elicitation: { form: {} } },
          clientInfo: { name: "raw-test", version: "1" },
        },
      }),
    });
    const id = response.headers.get("mcp-session-id");
    if (response.status !== 200 || !id) return response;
    await response.body?.cancel();
    const session = new RawSession(server, id);
    const initialized = await session.post({
      jsonrpc: "2.0",
      method: "notifications/initialized",
    });
    await initialized.body?.cancel();
    return session;
  }

  /** POSTs one message of this session. */
  post(message: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.server.url}/mcp`, {
      method: "POST",
      headers: RawSession.headers(this.server, this.id),
      body: JSON.stringify(message),
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * Calls a tool and reads its answer until the server asks a question
   * (`elicitation/create`); gives the question and a function that drops
   * the connection.
   */
  async callUntilAsked(
    id: number,
    name: string,
  ): Promise<{ question: Message; drop: () => void }> {
    const abort = new AbortController();
    const response = await this.post({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: {} },
    }, abort.signal);
    if (response.status !== 200 || !response.body) {
      throw new Error(`tools/call answered ${response.status}`);
    }
    // Read with next(): leaving a for-await loop would cancel the body.
    const messages = sseMessages(response.body);
    for (;;) {
      const { value, done } = await messages.next();
      if (done) throw new Error("the answer ended without a question");
      if (value.method === "elicitation/create") {
        return {
          question: value,
          drop: () => {
            abort.abort();
            messages.next().catch(() => {});
          },
        };
      }
    }
  }

  /** Calls a tool and gives its answer's JSON-RPC response. */
  async call(id: number, name: string, args: Message = {}): Promise<Message> {
    const response = await this.post({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: args },
    });
    if (!response.body) throw new Error(`answered ${response.status}`);
    if (response.status !== 200) {
      return (await response.json()) as Message;
    }
    for await (const message of sseMessages(response.body)) {
      if (message.id === id) return message;
    }
    throw new Error("the answer ended without a response");
  }

  /** Ends the session (DELETE); gives the status. */
  async delete(): Promise<number> {
    const response = await fetch(`${this.server.url}/mcp`, {
      method: "DELETE",
      headers: RawSession.headers(this.server, this.id),
    });
    await response.body?.cancel();
    return response.status;
  }
}
