/**
 * A stdio transport for the MCP SDK built on Deno's own streams (no Node
 * polyfills), which starts reading before the SDK has loaded: it answers a
 * well-formed `initialize` at once, keeps every message, and hands them to the
 * SDK in order once it connects, dropping the SDK's second answer to that
 * `initialize`.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/shared/transport"
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { initializeAnswer } from "./protocol.ts";

/** The largest message accepted on stdin, in bytes (10 MiB, as the SDK's). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Where the transport writes: `Deno.stdout`, or a test's stand-in. */
export interface Output {
  /** Writes bytes, as `Deno.stdout.write` does. */
  write(bytes: Uint8Array): Promise<number>;
}

/** A transport that reads stdin from the moment it is created. */
export class EarlyStdioTransport implements Transport {
  /** Called when stdin ends or the transport is closed. */
  onclose?: () => void;
  /** Called with a message that is not valid JSON-RPC. */
  onerror?: (error: Error) => void;
  /** Called with each message, once the SDK has connected. */
  onmessage?: (message: JSONRPCMessage) => void;

  #queue: unknown[] = [];
  #started = false;
  #ended = false;
  #closed = false;
  #answered = new Set<string | number>();
  #pending = new Set<string | number>();
  #output: Output;
  #writing: Promise<unknown> = Promise.resolve();
  #validate: (value: unknown) => JSONRPCMessage;
  #reader: ReadableStreamDefaultReader<string>;
  #firstMessage = Promise.withResolvers<void>();

  /**
   * Starts reading at once.
   *
   * @param input Standard input.
   * @param output Standard output.
   */
  constructor(input: ReadableStream<Uint8Array>, output: Output) {
    this.#output = output;
    this.#validate = (value) => value as JSONRPCMessage;
    this.#reader = input.pipeThrough(new TextDecoderStream()).getReader();
    this.#read().catch((error) => this.onerror?.(error));
  }

  /**
   * Resolves once the first message has been read (and `initialize`
   * answered), or stdin has ended. Loading the SDK blocks the event loop while
   * its modules evaluate, so the entry waits for this before loading it.
   */
  get firstMessage(): Promise<void> {
    return this.#firstMessage.promise;
  }

  /**
   * Sets how each message is checked before the SDK sees it (the SDK's
   * `JSONRPCMessageSchema`, once loaded).
   *
   * @param validate Returns the message, or throws.
   */
  useValidator(validate: (value: unknown) => JSONRPCMessage): void {
    this.#validate = validate;
  }

  async #read(): Promise<void> {
    let buffer = "";
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) break;
      buffer += value;
      if (buffer.length > MAX_MESSAGE_BYTES) {
        buffer = "";
        this.onerror?.(new Error("A message on stdin exceeded 10 MiB"));
      }
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        if (line.trim() !== "") this.#receive(line);
      }
    }
    this.#ended = true;
    this.#firstMessage.resolve();
    this.#closeWhenDone();
  }

  #receive(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    if (!this.#started) {
      if (this.#queue.length === 0 && this.#answered.size === 0) {
        const answer = initializeAnswer(message);
        if (answer) {
          this.#answered.add(answer.id as string | number);
          this.#write(answer);
        }
      }
      this.#queue.push(message);
      this.#writing.then(() => this.#firstMessage.resolve());
      return;
    }
    this.#deliver(message);
  }

  #deliver(message: unknown): void {
    let valid: JSONRPCMessage;
    try {
      valid = this.#validate(message);
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    const request = valid as { id?: string | number; method?: string };
    if (request.id !== undefined && request.method !== undefined) {
      this.#pending.add(request.id);
    }
    this.onmessage?.(valid);
  }

  /** Once stdin has ended and every request is answered, closes. */
  #closeWhenDone(): void {
    if (this.#started && this.#ended && this.#pending.size === 0) {
      queueMicrotask(() => this.close());
    }
  }

  #write(message: unknown): Promise<void> {
    const bytes = new TextEncoder().encode(`${JSON.stringify(message)}\n`);
    const next = this.#writing.then(async () => {
      let offset = 0;
      while (offset < bytes.length) {
        offset += await this.#output.write(bytes.subarray(offset));
      }
    });
    this.#writing = next.catch(() => {});
    return next;
  }

  /** Hands the kept messages to the SDK, in order. */
  start(): Promise<void> {
    this.#started = true;
    for (const message of this.#queue.splice(0)) this.#deliver(message);
    this.#closeWhenDone();
    return Promise.resolve();
  }

  /**
   * Writes a message, except the SDK's answer to an `initialize` that was
   * already answered.
   *
   * @param message The JSON-RPC message.
   */
  async send(message: JSONRPCMessage): Promise<void> {
    const id = (message as { id?: string | number }).id;
    const isResponse = "result" in message || "error" in message;
    if (isResponse && id !== undefined) this.#pending.delete(id);
    if (isResponse && id !== undefined && this.#answered.delete(id)) {
      this.#closeWhenDone();
      return;
    }
    await this.#write(message);
    if (isResponse) this.#closeWhenDone();
  }

  /** Stops reading and calls `onclose` once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reader.cancel().catch(() => {});
    await this.#writing;
    this.onclose?.();
  }
}
