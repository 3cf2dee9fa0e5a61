/**
 * How commands print API data: an aligned table, JSON or YAML, chosen with
 * `-o table|json|yaml` (`--json` is the same as `-o json`).
 *
 * @module
 */

import { type Column, formatJson, formatTable } from "../lib/format.ts";
import type { OptionsSpec } from "./args.ts";
import type { CliIo } from "./io.ts";

/** The output formats of `-o`. */
export const FORMATS = ["table", "json", "yaml"] as const;

/** One output format. */
export type Format = typeof FORMATS[number];

/**
 * `-o FORMAT` and `--json`, for a command that prints API data; the help
 * says what JSON and YAML hold.
 *
 * @param what What `-o json` prints, e.g. `{"regions": [...]}`.
 */
export function outputOptions(what: string) {
  return {
    output: {
      type: "string",
      short: "o",
      value: "FORMAT",
      choices: FORMATS,
      help: `table (default), json or yaml; json and yaml print ${what}`,
    },
    json: { type: "boolean", help: "The same as -o json" },
  } as const satisfies OptionsSpec;
}

/** The format the flags ask for: `--json` or `-o`, else a table. */
export function formatOf(
  options: { output: string | undefined; json: boolean },
): Format {
  if (options.json) return "json";
  return (options.output ?? "table") as Format;
}

/**
 * Prints API data as JSON or YAML. In JSON, what a terminal would act on is
 * written as \uXXXX, so the output is safe to show and parses back to the
 * same data; YAML uses the same key names, and its lines are cleaned by the
 * CLI's output like every other line. js-yaml loads only for `-o yaml`.
 */
export async function printData(
  io: CliIo,
  format: Exclude<Format, "table">,
  value: unknown,
): Promise<void> {
  if (format === "json") io.out(formatJson(value, 2));
  else {
    const { dump } = await import("js-yaml");
    io.out(
      dump(value, { lineWidth: -1, noRefs: true, skipInvalid: true })
        .trimEnd(),
    );
  }
}

/** A list to print: its data form, and its rows for the table. */
export interface List<T> {
  /** What `-o json` and `-o yaml` print. */
  data: unknown;
  /** The table's rows. */
  rows: readonly T[];
  /** The line printed instead of an empty table. */
  empty: string;
  /** The table's columns. */
  columns: Column<T>[];
}

/**
 * Prints a list: `list.data` as JSON or YAML, else a table of `list.rows`,
 * or `list.empty` when there are none.
 *
 * @returns 0, the exit code.
 */
export async function printList<T>(
  io: CliIo,
  format: Format,
  list: List<T>,
): Promise<number> {
  if (format !== "table") await printData(io, format, list.data);
  else if (list.rows.length === 0) io.out(list.empty);
  else io.out(formatTable(list.rows, list.columns));
  return 0;
}

/**
 * A yes-or-no cell: "yes", "no", or "-" when the API does not say.
 *
 * @param value The API's value.
 * @returns The cell.
 *
 * @example
 * ```ts
 * import { yesNo } from "./output.ts";
 *
 * console.log(yesNo(true), yesNo(false), yesNo(null)); // yes no -
 * ```
 */
export function yesNo(value: unknown): string {
  return typeof value === "boolean" ? (value ? "yes" : "no") : "-";
}
