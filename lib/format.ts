/**
 * Plain-text tables for people: aligned columns with a header row.
 *
 * @module
 */

/** One column of a table: its header and how to read a cell from a row. */
export interface Column<T> {
  /** The header. */
  header: string;
  /** The cell's text for a row. */
  value: (row: T) => unknown;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value).replace(/\s+/g, " ");
}

/**
 * Formats rows as an aligned table, columns two spaces apart.
 *
 * @param rows The rows.
 * @param columns The columns.
 * @returns The table, one line per row after the header, no trailing newline.
 */
export function formatTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => r[i]!.length))
  );
  const line = (values: string[]) =>
    values.map((v, i) => i === values.length - 1 ? v : v.padEnd(widths[i]!))
      .join("  ").trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}
