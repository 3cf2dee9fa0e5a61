/**
 * Text from an API is untrusted: before it reaches a terminal, a log or a
 * tool result's text, {@linkcode cleanText} removes what a terminal would act
 * on instead of showing: ANSI and OSC escape sequences (colours, cursor moves,
 * the OSC 52 clipboard write, hyperlinks), other C0 and C1 control characters,
 * and the Unicode bidirectional controls that make text read differently from
 * how it is stored.
 *
 * @module
 */

// ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC), ESC P/X/^/_ ... ST
// (DCS, SOS, PM, APC), and two-byte ESC sequences.
const ESCAPES =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*(?:\u0007|\u009c)?|\u001b[@-Z\\-_]?/g;
// C0 controls but tab and newline, DEL, and C1 controls.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Bidirectional embeddings, overrides and isolates, and the marks.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Options of {@linkcode cleanText}. */
export interface CleanTextOptions {
  /** Keep `\n` and `\t` (default `true`); `false` turns them into spaces. */
  multiline?: boolean;
}

/**
 * Makes untrusted text safe to show: escape sequences, control characters
 * (except, by default, newline and tab) and bidirectional overrides are
 * removed; everything else is kept as it is.
 *
 * @param text The text from an API, or anything built from it.
 * @param options Whether to keep newlines and tabs.
 * @returns The text without anything a terminal would act on.
 *
 * @example
 * ```ts
 * import { cleanText } from "@cloudgate/toolkit";
 *
 * console.log(cleanText("prod\u001b]52;c;ZXZpbA==\u0007-\u202egnp.exe")); // prod-gnp.exe
 * ```
 */
export function cleanText(
  text: string,
  options: CleanTextOptions = {},
): string {
  const cleaned = text.replace(ESCAPES, "").replace(BIDI, "");
  if (options.multiline === false) {
    return cleaned.replace(/[\t\n]/g, " ").replace(CONTROLS, "");
  }
  return cleaned.replace(CONTROLS, "");
}
