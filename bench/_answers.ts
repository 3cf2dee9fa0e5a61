// The JSON-RPC answers on a spawned server's stdout, read line by line as
// they arrive, each with the time it came: what every start-up benchmark
// waits for.

/** One answer: when its line was complete, and its size in bytes. */
export interface Answer {
  /** Milliseconds from `started` to the chunk that completed the line. */
  at: number;
  /** The line's length in bytes, without the newline. */
  bytes: number;
}

/** Reads a server's stdout and remembers each answer by its id. */
export class Answers {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #started: number;
  #buffer = new Uint8Array(0);
  #seen = new Map<unknown, Answer>();
  #decoder = new TextDecoder();

  /**
   * @param stdout The server's standard output.
   * @param started The time answers are measured from (`performance.now()`).
   */
  constructor(stdout: ReadableStream<Uint8Array>, started: number) {
    this.#reader = stdout.getReader();
    this.#started = started;
  }

  /**
   * Reads until the answer to `id` has come (at once when it already has).
   *
   * @throws {Error} When stdout ends first.
   */
  async answer(id: unknown): Promise<Answer> {
    for (;;) {
      const seen = this.#seen.get(id);
      if (seen !== undefined) return seen;
      const { value, done } = await this.#reader.read();
      if (done) throw new Error(`the server ended before answering ${id}`);
      this.#take(value, performance.now() - this.#started);
    }
  }

  /** Stops reading. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  #take(chunk: Uint8Array, at: number): void {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    for (let nl = joined.indexOf(10); nl >= 0; nl = this.#buffer.indexOf(10)) {
      const line = this.#buffer.subarray(0, nl);
      this.#buffer = this.#buffer.subarray(nl + 1);
      let id: unknown;
      try {
        id = JSON.parse(this.#decoder.decode(line)).id;
      } catch {
        continue; // not JSON: not an answer
      }
      if (id !== undefined && !this.#seen.has(id)) {
        this.#seen.set(id, { at, bytes: line.length });
      }
    }
  }
}
