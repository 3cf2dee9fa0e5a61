/**
 * Waiting that an abort ends: the retry pause of the HTTP core and the poll
 * of the login lock.
 *
 * @module
 */

/**
 * Waits `ms`, or rejects with `signal`'s reason when it is (or gets) aborted
 * first.
 *
 * @param ms How long to wait, in milliseconds.
 * @param signal Ends the wait early.
 * @returns Resolves once the time has passed.
 *
 * @example
 * ```ts
 * import { sleep } from "./_sleep.ts";
 *
 * await sleep(10, AbortSignal.timeout(1_000));
 * ```
 */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
