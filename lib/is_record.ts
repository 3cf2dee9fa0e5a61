/**
 * One small type guard many modules share.
 *
 * @module
 */

/**
 * Tells whether a value is a plain JSON object.
 *
 * @param value Any value.
 * @returns `true` for a non-null, non-array object.
 *
 * @example
 * ```ts
 * import { isRecord } from "./is_record.ts";
 *
 * console.log(isRecord({ a: 1 }), isRecord([1])); // true false
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
