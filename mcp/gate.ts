/**
 * The gate that lets concurrent tool calls share one SMS code question. The
 * call that starts a login holds the gate until its question is answered,
 * declined or abandoned; calls that arrive meanwhile wait for it, bounded,
 * and then find the token (or ask on their own, reusing the same SMS).
 *
 * Whatever the era, the others wait at most {@linkcode ASK_WAIT_MS} after
 * the holder's question went out, then ask on their own with the same SMS:
 * on a 2026-07-28 connection the question travels in the call's result and
 * the server cannot see a client give up, and on a 2025 connection the user
 * may never answer. On a 2025 connection a cancelled call or a closed
 * connection also releases the gate at once.
 *
 * @module
 */

import { CODE_TIMEOUT_MS } from "./code_pages.ts";

/** How long a call waits for a question another call asked. */
export const ASK_WAIT_MS = 1_500;

interface Holder {
  id: string;
  askedAt: number | undefined;
  released: PromiseWithResolvers<void>;
}

/** One gate per Cleura session. */
export class AskGate {
  #holder: Holder | undefined;

  /** Whether a call holds the gate now. */
  get held(): boolean {
    return this.#holder !== undefined;
  }

  /**
   * Waits once for the holder: until it releases the gate (or another call
   * takes it over), or the bound for its era has passed since its question
   * went out, or the call is cancelled.
   *
   * @param signal Ends the wait when the call is cancelled.
   * @returns `released` when the gate changed hands, else `bound`.
   */
  async wait(signal: AbortSignal): Promise<"released" | "bound"> {
    const holder = this.#holder;
    if (!holder) return "released";
    if (signal.aborted) return "bound";
    // Before its question goes out the holder is posting the password or
    // sending the SMS, which its own timeouts bound.
    const bound = holder.askedAt === undefined
      ? CODE_TIMEOUT_MS
      : holder.askedAt + ASK_WAIT_MS - Date.now();
    if (bound <= 0) return "bound";
    return await new Promise((resolve) => {
      const timer = setTimeout(() => done("bound"), bound);
      const onAbort = () => done("bound");
      signal.addEventListener("abort", onAbort, { once: true });
      holder.released.promise.then(() => done("released"));
      function done(how: "released" | "bound") {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(how);
      }
    });
  }

  /**
   * Takes the gate for a call that starts (or repeats) the question.
   *
   * @param legacy Whether the call came on a 2025 connection.
   * @param signal The call's signal; on a 2025 connection its abort
   * releases the gate.
   * @returns The holder's id, to put in the sealed state.
   */
  hold(legacy: boolean, signal: AbortSignal): string {
    const previous = this.#holder;
    const holder: Holder = {
      id: crypto.randomUUID(),
      askedAt: undefined,
      released: Promise.withResolvers<void>(),
    };
    this.#holder = holder;
    previous?.released.resolve();
    if (legacy) {
      signal.addEventListener("abort", () => this.release(holder.id), {
        once: true,
      });
    }
    return holder.id;
  }

  /**
   * Marks the holder's question as sent; the wait bounds count from here.
   *
   * @param id The holder's id.
   */
  asked(id: string): void {
    if (this.#holder?.id === id) this.#holder.askedAt = Date.now();
  }

  /**
   * Releases the gate, if `id` still holds it.
   *
   * @param id The holder's id.
   */
  release(id: string): void {
    const holder = this.#holder;
    if (holder?.id !== id) return;
    this.#holder = undefined;
    holder.released.resolve();
  }
}
