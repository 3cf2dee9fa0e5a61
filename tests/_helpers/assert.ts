// Assertions the tests share.

import assert from "node:assert/strict";

/**
 * Awaits `promise`, which must reject with an instance of `type` (and a
 * message equal to `message`, or matching it), and returns that error for
 * the test to look into.
 */
export async function rejection<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
  message?: string | RegExp,
): Promise<T> {
  const outcome = await promise.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) {
    assert.fail(`expected a ${type.name}, but got ${String(outcome.value)}`);
  }
  assert.ok(
    outcome.error instanceof type,
    `expected a ${type.name}, got ${String(outcome.error)}`,
  );
  if (typeof message === "string") {
    assert.equal(outcome.error.message, message);
  } else if (message) {
    assert.match(outcome.error.message, message);
  }
  return outcome.error;
}
