/**
 * Hints for a mistyped API, command or flag name: the nearest known name.
 *
 * @module
 */

/** How many single-letter edits turn `a` into `b` (Levenshtein). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * `: did you mean "X"?` for the name nearest to a mistyped one (a prefix of
 * it, or at most two edits away), else nothing.
 *
 * @param typed What the user typed.
 * @param names The names it may have meant.
 * @param prefix Put before the name in the hint (e.g. the API's name).
 * @returns The hint, or `""`.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./suggest.ts";
 *
 * console.log(didYouMean("regon", ["regions", "domains"], "cleura ")); // : did you mean "cleura regions"?
 * ```
 */
export function didYouMean(
  typed: string,
  names: readonly string[],
  prefix = "",
): string {
  const word = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = name.startsWith(word) && word.length >= 3
      ? 0
      : distance(word, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best === undefined ? "" : `: did you mean "${prefix}${best}"?`;
}
