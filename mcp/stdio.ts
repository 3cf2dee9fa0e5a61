/**
 * A stdio transport for the MCP SDK built on Deno's own streams (no Node
 * polyfills), with JSON-RPC hygiene: a line that is not JSON is answered with
 * a `-32700` parse error, a line over the size limit with an error that names
 * the limit (never silence), and the end of stdin closes the transport.
 *
 * @module
 */

import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/server";
import { concatBytes } from "../lib/bytes.ts";

/** The largest message accepted on stdin, in bytes (10 MiB). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * How long requests still in flight when stdin ends may take to be answered
 * before the transport closes anyway, in milliseconds.
 */
export const DRAIN_MS = 1_500;

/** Where the transport writes: `Deno.stdout`, or a test's stand-in. */
export interface Output {
  /** Writes bytes, as `Deno.stdout.write` does. */
  write(bytes: Uint8Array): Promise<number>;
}

/** Standard input and output as an MCP transport. */
export class DenoStdioTransport implements Transport {
  /** Called when stdin ends or the transport is closed. */
  onclose?: () => void;
  /** Called with a failure to report. */
  onerror?: (error: Error) => void;
  /** Called with each message. */
  onmessage?: (message: JSONRPCMessage) => void;

  #input: ReadableStream<Uint8Array>;
  #output: Output;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #writing: Promise<unknown> = Promise.resolve();
  #closed = false;
  #ended = Promise.withResolvers<void>();
  #pending = new Set<string | number>();
  #drained: (() => void) | undefined;
  #encoder = new TextEncoder();
  #started = false;

  /**
   * Creates the transport; reading starts with `start()`.
   *
   * @param input Standard input.
   * @param output Standard output.
   */
  constructor(input: ReadableStream<Uint8Array>, output: Output) {
    this.#input = input;
    this.#output = output;
  }

  /** Resolves once the transport has closed (stdin ended, or `close()`). */
  get closed(): Promise<void> {
    return this.#ended.promise;
  }

  /** Starts reading stdin (once: later calls do nothing). */
  start(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#started = true;
    this.#reader = this.#input.getReader();
    this.#read().catch((error) => this.onerror?.(error)).finally(() =>
      this.#drain()
    );
    return Promise.resolve();
  }

  /** Once stdin has ended: answers what is in flight, bounded, then closes. */
  async #drain(): Promise<void> {
    if (this.#pending.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_MS);
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.close();
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let chunks: Uint8Array[] = [];
    let size = 0;
    let skipping = false;
    for (;;) {
      const { value, done } = await this.#reader!.read();
      if (done || this.#closed) return;
      let start = 0;
      for (;;) {
        const newline = value.indexOf(10, start);
        const end = newline < 0 ? value.length : newline;
        if (!skipping) {
          size += end - start;
          if (size > MAX_MESSAGE_BYTES) {
            skipping = true;
            chunks = [];
            this.#error(
              -32600,
              `Message too large: a line on stdin exceeded the ${
                MAX_MESSAGE_BYTES / 1024 / 1024
              } MiB limit`,
            );
          } else {
            chunks.push(value.subarray(start, end));
          }
        }
        if (newline < 0) break;
        if (!skipping) this.#line(decoder.decode(concatBytes(chunks, size)));
        chunks = [];
        size = 0;
        skipping = false;
        start = newline + 1;
      }
    }
  }

  #line(text: string): void {
    const line = text.replace(/\r$/, "");
    if (line.trim() === "") return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.#error(-32700, "Parse error: a line on stdin is not JSON");
      return;
    }
    if (
      typeof message !== "object" || message === null ||
      Array.isArray(message) ||
      (message as { jsonrpc?: unknown }).jsonrpc !== "2.0"
    ) {
      const id = (message as { id?: unknown } | null)?.id;
      this.#error(
        -32600,
        "Invalid request: expected a JSON-RPC 2.0 object",
        typeof id === "string" || typeof id === "number" ? id : null,
      );
      return;
    }
    const request = message as {
      id?: unknown;
      method?: unknown;
      params?: { requestId?: unknown };
    };
    if (
      typeof request.method === "string" &&
      (typeof request.id === "string" || typeof request.id === "number")
    ) {
      this.#pending.add(request.id);
    } else if (request.method === "notifications/cancelled") {
      // A cancelled request gets no answer: nothing to wait for at the end.
      const id = request.params?.requestId;
      if (typeof id === "string" || typeof id === "number") {
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#drained?.();
      }
    }
    this.onmessage?.(message as JSONRPCMessage);
  }

  #error(code: number, message: string, id: string | number | null = null) {
    this.#write({ jsonrpc: "2.0", id, error: { code, message } }).catch(
      () => {},
    );
  }

  #write(message: unknown): Promise<void> {
    const bytes = this.#encoder.encode(`${JSON.stringify(message)}\n`);
    const next = this.#writing.then(async () => {
      let offset = 0;
      while (offset < bytes.length) {
        offset += await this.#output.write(bytes.subarray(offset));
      }
    });
    this.#writing = next.catch(() => {});
    return next;
  }

  /**
   * Writes a message as one line.
   *
   * @param message The JSON-RPC message.
   */
  async send(message: JSONRPCMessage): Promise<void> {
    const response = message as { id?: string | number; method?: unknown };
    const isResponse = response.method === undefined &&
      response.id !== undefined;
    const written = this.#write(message);
    // Answered once queued: closing waits for every queued write.
    if (isResponse) {
      this.#pending.delete(response.id!);
      if (this.#pending.size === 0) this.#drained?.();
    }
    await written;
  }

  /** Stops reading and calls `onclose` once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reader?.cancel().catch(() => {});
    await this.#writing;
    this.onclose?.();
    this.#ended.resolve();
  }
}
