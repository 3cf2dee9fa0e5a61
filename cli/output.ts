/**
 * How commands print API data: an aligned table, or JSON with `--json`.
 *
 * @module
 */

import { type Column, formatJson, formatTable } from "../lib/format.ts";
import type { OptionsSpec } from "./args.ts";
import type { CliIo } from "./io.ts";

/** `--json`, for the commands that print API data. */
export const JSON_OPTION = {
  json: { type: "boolean", help: "Print JSON instead of a table" },
} as const satisfies OptionsSpec;

/**
 * Prints JSON of API data: what a terminal would act on is written as
 * \uXXXX, so the output is safe to show and parses back to the same data.
 */
export function printJson(io: CliIo, value: unknown): void {
  io.out(formatJson(value, 2));
}

/** A list to print: its JSON form, and its rows for the table. */
export interface List<T> {
  /** What `--json` prints. */
  json: unknown;
  /** The table's rows. */
  rows: readonly T[];
  /** The line printed instead of an empty table. */
  empty: string;
  /** The table's columns. */
  columns: Column<T>[];
}

/**
 * Prints a list: as JSON (`list.json`) when `json`, else a table of
 * `list.rows`, or `list.empty` when there are none.
 *
 * @returns 0, the exit code.
 */
export function printList<T>(io: CliIo, json: boolean, list: List<T>): number {
  if (json) printJson(io, list.json);
  else if (list.rows.length === 0) io.out(list.empty);
  else io.out(formatTable(list.rows, list.columns));
  return 0;
}
