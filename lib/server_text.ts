/**
 * The server's own words in an error: read from the error bodies the APIs use
 * (`{"error":{"message","description","errors"}}`, `{"message"}`, plain text
 * or an HTML page), made one clean line of at most 120 characters, and
 * redacted at both ends: every secret of the call is removed from the raw
 * body before anything can cut or rejoin it, and again from the final line,
 * with pieces of a secret and a cut that ends in one.
 *
 * @module
 */

import { redact } from "./errors.ts";
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
  // rejoin a secret), and the final line again.
  const raw = redact(text, secrets);
  let message: string | undefined;
  let result: string | undefined;
  try {
    const json: unknown = JSON.parse(raw);
    message = messageOf(json, secrets);
    if (isRecord(json) && typeof json.result === "string") result = json.result;
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
 * characters, no secret, and no tail that could be the start of one.
 */
function oneLine(
  text: string,
  secrets: readonly (string | undefined)[],
): string {
  let line = redactFragments(
    redact(
      cleanText(text, { multiline: false }).replace(/\s+/g, " ").trim(),
      secrets,
    ),
    secrets,
  );
  if (line.length > 120) line = `${cutTail(line.slice(0, 117), secrets)}...`;
  return redact(line, secrets);
}

/** The shortest piece of a secret that is removed wherever it appears. */
const FRAGMENT = 6;

/**
 * Removes every piece of a secret at least {@linkcode FRAGMENT} characters
 * long, so that a server that splits a secret (with tags or spaces) cannot
 * get it shown in parts.
 */
function redactFragments(
  text: string,
  secrets: readonly (string | undefined)[],
): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < FRAGMENT) continue;
    let i = 0;
    while (i + FRAGMENT <= out.length) {
      let n = 0;
      while (
        i + n < out.length && secret.includes(out.slice(i, i + n + 1))
      ) n++;
      if (n >= FRAGMENT) {
        out = `${out.slice(0, i)}[redacted]${out.slice(i + n)}`;
        i += "[redacted]".length;
      } else i++;
    }
  }
  return out;
}

/** Drops a tail of a cut line that is the beginning of a secret. */
function cutTail(
  line: string,
  secrets: readonly (string | undefined)[],
): string {
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    for (let n = Math.min(secret.length - 1, line.length); n >= 3; n--) {
      if (line.endsWith(secret.slice(0, n))) return line.slice(0, -n);
    }
  }
  return line;
}
