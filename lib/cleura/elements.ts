/**
 * Reads a list from the API one element at a time: an element that cannot be
 * read is left out with one warning naming it, so one odd element never fails
 * the whole list. Internal to the Cleura calls.
 *
 * @module
 */

import type { z } from "zod";
import { isRecord } from "../is_record.ts";

/** How {@linkcode readElements} reads a list and names what it leaves out. */
export interface ElementsOptions<S extends z.ZodType> {
  /** The shape of one element. */
  schema: S;
  /** What one element is, for warnings, e.g. `domain`. */
  kind: string;
  /** Where the list is, added after the element, e.g. ` of domain "79b0"`. */
  within?: string;
  /** Called with each element left out. */
  onWarning: (message: string) => void;
}

/**
 * Parses each element of a list with a schema, leaving out (with one warning
 * each) those that do not fit. Lazy: each warning comes when the iteration
 * reaches its element, so warnings about nested lists stay in order.
 *
 * @param list The elements.
 * @param options The shape of an element, what it is called, and where
 * warnings go.
 * @returns The elements that fit, in the list's order.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { readElements } from "./elements.ts";
 *
 * const ids = [...readElements([{ id: "1" }, 7], {
 *   schema: z.object({ id: z.string() }),
 *   kind: "project",
 *   onWarning: (message) => console.log(message), // Left out project 2 of the list: it is not an object
 * })];
 * console.log(ids.length); // 1
 * ```
 */
export function* readElements<S extends z.ZodType>(
  list: readonly unknown[],
  options: ElementsOptions<S>,
): Generator<z.output<S>, void, undefined> {
  for (const [index, element] of list.entries()) {
    const parsed = options.schema.safeParse(element);
    if (parsed.success) yield parsed.data;
    else {
      options.onWarning(
        `Left out ${describeElement(options.kind, index, element)}${
          options.within ?? ""
        }: ${issueOf(parsed.error)}`,
      );
    }
  }
}

/** An element by its id, code or name when it has one, else by its place. */
function describeElement(kind: string, index: number, element: unknown) {
  const metadata = isRecord(element) && isRecord(element.metadata)
    ? element.metadata
    : undefined;
  const id = isRecord(element)
    ? element.id ?? element.region ?? element.zone_id ?? metadata?.name
    : undefined;
  return typeof id === "string" || typeof id === "number"
    ? `${kind} "${String(id).slice(0, 64)}"`
    : `${kind} ${index + 1} of the list`;
}

/** The first problem of a failed parse, in words. */
function issueOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "unreadable";
  if (issue.path.length === 0) return "it is not an object";
  return `"${issue.path.join(".")}" ${
    issue.code === "invalid_type"
      ? "is missing or of the wrong type"
      : "is invalid"
  }`;
}
