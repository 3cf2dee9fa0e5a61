/**
 * The server's own words in an error: read from the error bodies the APIs use
 * (`{"error":{"message","description","errors"}}`, `{"message"}`, plain text
 * or an HTML page), made one clean line of at most 120 characters, and
 * redacted at both ends: every secret of the call is removed from the raw
 * body before anything can cut or rejoin it, and again from the clean line,
 * with the pieces of one where the server cut or split its text.
 *
 * @module
 */

import { redact, REDACTED, redactLine } from "./redact.ts";
import { isRecord } from "./is_record.ts";
import { cleanText } from "./text.ts";

/**
 * Reads an error body: the server's message and, where it gave one, its
 * `result` field.
 *
 * @param text The raw body.
 * @param secrets Every secret of the call.
 * @returns The message (one clean, redacted line) and the result.
 */
export function serverMessage(
  text: string,
  secrets: readonly (string | undefined)[],
): { serverMessage?: string; result?: string } {
  // Redact at both ends: the raw body first (before anything can cut or
  // rejoin a secret), and the clean line again (after JSON escapes, tags and
  // whitespace are gone, and with the pieces a server's cut or split left).
  const raw = redact(text, secrets);
  let message: string | undefined;
  let result: string | undefined;
  try {
    const json: unknown = JSON.parse(raw);
    message = messageOf(json, secrets);
    if (isRecord(json) && typeof json.result === "string") {
      result = redact(json.result, secrets);
    }
  } catch {
    message = excerpt(raw, secrets);
  }
  const out: { serverMessage?: string; result?: string } = {};
  if (message) out.serverMessage = message;
  if (result) out.result = result;
  return out;
}

function messageOf(
  json: unknown,
  secrets: readonly (string | undefined)[],
): string | undefined {
  if (!isRecord(json)) return undefined;
  const error = json.error;
  let text: string | undefined;
  if (isRecord(error) && typeof error.message === "string") {
    const parts = [error.message];
    if (
      typeof error.description === "string" &&
      error.description.trim() !== "" && error.description !== error.message
    ) {
      parts.push(error.description);
    }
    const fields = Array.isArray(error.errors)
      ? error.errors.filter(isRecord).map((e) =>
        [e.key, e.value, e.message].filter((v) =>
          typeof v === "string" || typeof v === "number"
        ).join(": ")
      ).filter((part) => part !== "")
      : [];
    text = parts.join(": ");
    if (fields.length) text = `${text} (${fields.join("; ")})`;
  } else if (typeof error === "string") text = error;
  else if (typeof json.message === "string") text = json.message;
  else if (typeof json.result === "string") text = json.result;
  return text === undefined ? undefined : oneLine(text, secrets);
}

function excerpt(
  text: string,
  secrets: readonly (string | undefined)[],
): string | undefined {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = title ??
    text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ")
      .replace(/<[^>]*>/g, " ");
  const line = oneLine(plain, secrets);
  return line === "" ? undefined : line;
}

/**
 * One clean line of at most 120 characters: no escape sequences or control
 * characters, no secret and no piece of one where the server cut or split its
 * text (see `redactLine`). The text is redacted before it is cut, so the cut
 * can only drop text: it never splits a `[redacted]` mark, and what is left
 * at the cut is not followed by the rest of a secret in the server's text.
 */
function oneLine(
  text: string,
  secrets: readonly (string | undefined)[],
): string {
  let line = redact(
    cleanText(text, { multiline: false }).replace(/\s+/g, " ").trim(),
    secrets,
  );
  // Only the start of a long line is shown: pieces are looked for there, and
  // a little beyond, where one that reaches into the shown part ends.
  const longest = Math.max(0, ...secrets.map((s) => s?.length ?? 0));
  const shown = 117 + 4 * longest + 64;
  if (line.length > 120) line = line.slice(0, shown);
  line = redactLine(line, secrets);
  return line.length > 120 ? `${cut(line, 117)}...` : line;
}

/** The first `length` characters, or fewer so as not to split a mark. */
function cut(line: string, length: number): string {
  const mark = line.lastIndexOf(REDACTED, length - 1);
  if (mark >= 0 && mark + REDACTED.length > length) {
    return line.slice(0, mark).trimEnd();
  }
  return line.slice(0, length);
}
