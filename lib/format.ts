/**
 * Plain-text tables and JSON for people: aligned columns with a header row,
 * and JSON that a terminal shows as it is. Both hold text from an API, so
 * neither lets through what a terminal would act on instead of showing.
 *
 * @module
 */

import { cleanText } from "./text.ts";

/** One column of a table: its header and how to read a cell from a row. */
export interface Column<T> {
  /** The header. */
  header: string;
  /** The cell's text for a row. */
  value: (row: T) => unknown;
}

// One line, nothing a terminal acts on: a cell can never break the table.
function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object"
    ? jsonText(value) ?? ""
    : String(value);
  return cleanText(text, { multiline: false }).replace(/\s+/g, " ");
}

/**
 * Formats rows as an aligned table, columns two spaces apart. Headers and
 * cells are cleaned with {@linkcode cleanText} (one line each), so a name
 * from an API cannot move the cursor, write the clipboard, reverse the text
 * or break a row.
 *
 * @param rows The rows.
 * @param columns The columns.
 * @returns The table, one line per row after the header, no trailing newline.
 */
export function formatTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
): string {
  const headers = columns.map((c) => cell(c.header));
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((r) => r[i]!.length))
  );
  const line = (values: string[]) =>
    values.map((v, i) => i === values.length - 1 ? v : v.padEnd(widths[i]!))
      .join("  ").trimEnd();
  return [line(headers), ...cells.map(line)].join("\n");
}

// What JSON.stringify leaves raw but a terminal acts on: DEL and the C1
// controls (U+009B is a CSI of its own), the bidirectional controls, and the
// line and paragraph separators. JSON.stringify escapes C0 (ESC, BEL) itself.
const UNSAFE_IN_JSON =
  /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function jsonText(value: unknown, space?: number): string | undefined {
  return JSON.stringify(value, null, space)?.replace(
    UNSAFE_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * `JSON.stringify`, with every character a terminal would act on written as
 * a `\uXXXX` escape: the text is safe to print and parses back to the same
 * data.
 *
 * @param value The value.
 * @param space Indentation, as for `JSON.stringify`.
 * @returns The JSON text (`"null"` for a value JSON cannot hold).
 */
export function formatJson(value: unknown, space?: number): string {
  return jsonText(value, space) ?? "null";
}
