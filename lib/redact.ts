/**
 * Finding a call's secrets in a server's text, and only them.
 *
 * A secret is found whole in the forms a server is likely to echo it in: any
 * letter case, URL-encoded (`encodeURIComponent` and form encoding),
 * JSON-escaped, as HTML entities, base64 and base64url of its UTF-8 bytes, and
 * split into pieces by whitespace, tags or ellipses. A piece of a secret (six
 * characters or more) is found only where a server cut or split the text: a
 * start of the secret at the end of the text or before a split, an end of the
 * secret at the start of the text or after a split. An ordinary word that
 * merely occurs inside a secret is never hidden (see {@linkcode redactLine}).
 * Whatever is found becomes `[redacted]` as a whole, so the marker never sits
 * next to the rest of a secret.
 *
 * @module
 */

/** What a found secret is replaced with. */
export const REDACTED = "[redacted]";

/** Secrets shorter than this are not looked for (too likely to be ordinary text). */
const SHORTEST = 4;
/** The shortest piece of a secret that is looked for at a cut or split. */
const FRAGMENT = 6;
/** A text at least this long may have been cut by a server's length limit. */
const CUT_LENGTH = 64;
/** The shortest base64 run looked for; shorter ones turn up by chance. */
const BASE64_CORE = 8;

/**
 * One thing a server may put between two pieces of a secret: whitespace, an
 * invisible format character, a JSON escape of whitespace, an HTML tag, an
 * ellipsis or `&nbsp;`; and the same read backwards (pieces at the start of a
 * text are looked for in the reversed text, so that every pattern begins with
 * a fixed character of the secret and costs little where it does not match).
 */
const SPLIT = {
  forward: String
    .raw`(?:[\s\u00ad\u200b-\u200f\u2060\ufeff]|\\[nrt]|<[^<>]{0,200}>|\.\.\.|\u2026|&nbsp;)`,
  backward: String
    .raw`(?:[\s\u00ad\u200b-\u200f\u2060\ufeff]|[nrt]\\|>[^<>]{0,200}<|\.\.\.|\u2026|;psbn&)`,
};
type Direction = keyof typeof SPLIT;
/** Encoded whitespace, for whitespace in a secret. */
const SPACES = ["+", "%20", "%09", "\\u0020", "\\t", "&#32;", "&#x20;"];
/** A piece is a token of the text: not glued to a letter or digit outside it. */
const TOKEN_START = String.raw`(?<![\p{L}\p{N}])`;
/** An ellipsis next to a piece says the server cut the text there. */
const ELLIPSIS_AFTER = /^\s*(?:\.\.\.|\u2026)/u;
const ELLIPSIS_BEFORE = /(?:\.\.\.|\u2026)\s*$/u;
/** How far from a piece an ellipsis is looked for. */
const NEAR = 8;

/** One character of a secret as a pattern each way, and whether it is whitespace. */
interface Unit {
  char: string;
  space: boolean;
  forward: string;
  backward: string;
}

/**
 * Removes every secret, whole, from a text: in any letter case, URL-encoded,
 * JSON-escaped, as HTML entities, in base64 or base64url (also inside a larger
 * base64 string), or split by whitespace, tags or ellipses. Each becomes
 * `[redacted]`. Safe for any text: it never hides less than a whole secret.
 *
 * @param text The text to clean.
 * @param secrets The values to remove; missing ones and ones shorter than four characters are ignored.
 * @returns The text with every secret replaced.
 *
 * @example
 * ```ts
 * import { redact } from "./redact.ts";
 *
 * console.log(redact("bad password HUNTER22", ["hunter22"])); // bad password [redacted]
 * console.log(redact("got aHVudGVyMjI=", ["hunter22"])); // got [redacted]
 * ```
 */
export function redact(
  text: string,
  secrets: readonly (string | undefined)[],
): string {
  let out = text;
  for (const secret of usable(secrets)) {
    const units = unitsOf(secret);
    if (units.length === 0) continue;
    out = out.replace(new RegExp(join(units, "forward"), "giu"), REDACTED);
    const base64 = base64Pattern(secret);
    if (base64) out = out.replace(new RegExp(base64, "gu"), REDACTED);
  }
  return out;
}

/**
 * Removes every secret from one line of a server's text: whole, as
 * {@linkcode redact} does, and also a piece of one where the server cut or
 * split the text.
 *
 * The rule for pieces, and why: a piece of six characters or more is hidden
 * when it is the start of a secret that ends the text or stands before a
 * split (whitespace, a tag, an ellipsis), or the end of a secret that starts
 * the text or follows a split, and is a token of the text (not glued to
 * letters or digits outside it). A piece anywhere else is not a cut secret but
 * text that happens to share characters with one, so it is left alone; hiding
 * it would tell the reader which word the secret contains. For the same
 * reason a piece that looks like an ordinary word is kept: letters only,
 * ending (for a start) or beginning (for an end) where a word of the secret
 * does (next to a non-letter or a lower-to-upper case change), with no
 * ellipsis beside it, and, at the end of the text, a text shorter than
 * sixty-four characters (too short to have been cut by a length limit). So
 * with the secret `Deployment2024!` "the deployment was not found" is kept,
 * while a 120-character message ending in `Deployment` is cut at the secret
 * and loses it, and `Deploym` or `ment2024!` at an edge is always hidden.
 *
 * @param text One line of a server's text.
 * @param secrets The values to remove; missing ones and ones shorter than four characters are ignored.
 * @returns The line with every secret, and every cut piece of one, replaced.
 *
 * @example
 * ```ts
 * import { redactLine } from "./redact.ts";
 *
 * console.log(redactLine("Invalid login or password", ["mypassword1"])); // Invalid login or password
 * console.log(redactLine("you sent mypass", ["mypassword1"])); // you sent [redacted]
 * ```
 */
export function redactLine(
  text: string,
  secrets: readonly (string | undefined)[],
): string {
  let out = redact(text, secrets);
  for (const secret of usable(secrets)) {
    const units = unitsOf(secret);
    if (units.length <= FRAGMENT) continue;
    out = replacePieces(out, units, true);
    out = replacePieces(out, units, false);
  }
  return out;
}

function usable(secrets: readonly (string | undefined)[]): string[] {
  return secrets.filter((s): s is string =>
    s !== undefined && s.length >= SHORTEST
  ).map((s) => s.normalize("NFC"));
}

/**
 * Replaces the starts of a secret that stand before a cut (`start`), or the
 * ends of it that stand after one, unless they look like ordinary words.
 */
function replacePieces(text: string, units: Unit[], start: boolean): string {
  const way: Direction = start ? "forward" : "backward";
  const subject = start ? text : [...text].reverse().join("");
  const pattern = new RegExp(piecePattern(units, way), "giu");
  // Splits at the piece's open edge belong to the text, not to the secret.
  const openEdge = new RegExp(`${SPLIT[way]}+$`, "u");
  const found: [number, number][] = [];
  for (const match of subject.matchAll(pattern)) {
    const length = match[0].replace(openEdge, "").length;
    const from = start ? match.index : text.length - match.index - length;
    if (length && !ordinaryWord(text, from, from + length, units, start)) {
      found.push([from, from + length]);
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [from, to] of found) {
    parts.push(text.slice(at, from), REDACTED);
    at = to;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

/** Whether a piece found at a cut or split looks like an ordinary word. */
function ordinaryWord(
  text: string,
  from: number,
  to: number,
  units: Unit[],
  start: boolean,
): boolean {
  const piece = text.slice(from, to);
  if (!/^\p{L}[\p{L}\p{M}]*$/u.test(piece)) return false;
  const length = [...piece.normalize("NFC")].length;
  const chars = units.map((u) => u.char);
  if (start) {
    if (ELLIPSIS_AFTER.test(text.slice(to, to + NEAR))) return false;
    if (to === text.length && text.length >= CUT_LENGTH) return false;
    return wordBoundary(chars[length - 1], chars[length]);
  }
  if (ELLIPSIS_BEFORE.test(text.slice(Math.max(0, from - NEAR), from))) {
    return false;
  }
  const first = chars.length - length;
  return wordBoundary(chars[first - 1], chars[first]);
}

/** Whether a secret's own words part between two of its characters. */
function wordBoundary(
  before: string | undefined,
  after: string | undefined,
): boolean {
  if (before === undefined || after === undefined) return false;
  if (!/\p{L}/u.test(before) || !/\p{L}/u.test(after)) return true;
  return /\p{Ll}/u.test(before) && /\p{Lu}/u.test(after);
}

/**
 * A start of the secret (six characters or more, not all of it) before a cut:
 * the end of the text or a split. Backward, on the reversed text, the same
 * finds an end of the secret after a cut.
 */
function piecePattern(units: Unit[], way: Direction): string {
  const ordered = way === "forward" ? units : [...units].reverse();
  let tail = "";
  for (let i = ordered.length - 2; i >= FRAGMENT; i--) {
    tail = `(?:${separator(ordered, i - 1, way)}${ordered[i]![way]}${tail})?`;
  }
  const head = join(ordered.slice(0, FRAGMENT), way);
  return `${TOKEN_START}${head}${tail}(?=${SPLIT[way]}|$)`;
}

/** The units in order, a split allowed between any two. */
function join(units: Unit[], way: Direction): string {
  return units.map((u, i) => (i ? separator(units, i - 1, way) : "") + u[way])
    .join("");
}

/**
 * What may stand between unit `i` and the next: any splits, or nothing more
 * when either is whitespace (which matches splits itself).
 */
function separator(units: Unit[], i: number, way: Direction): string {
  return units[i]?.space || units[i + 1]?.space ? "" : `${SPLIT[way]}*`;
}

function unitsOf(secret: string): Unit[] {
  const units: Unit[] = [];
  for (const char of secret) {
    const space = /\s/u.test(char);
    if (space && units.at(-1)?.space) continue;
    const forms = space ? SPACES : charForms(char);
    units.push({
      char,
      space,
      forward: alternatives(forms, space ? SPLIT.forward : undefined),
      backward: alternatives(
        forms.map((form) => [...form].reverse().join("")),
        space ? SPLIT.backward : undefined,
      ),
    });
  }
  // Whitespace at either end is not looked for: a server may trim it.
  while (units[0]?.space) units.shift();
  while (units.at(-1)?.space) units.pop();
  return units;
}

/** One pattern for any of the forms, longest first; a run of them for whitespace. */
function alternatives(forms: string[], split?: string): string {
  const sorted = [...forms].sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (split === undefined) return `(?:${sorted.join("|")})`;
  return `(?:${split}|${sorted.join("|")})+`;
}

const ENTITIES: Record<string, string[]> = {
  "&": ["&amp;"],
  "<": ["&lt;"],
  ">": ["&gt;"],
  '"': ["&quot;"],
  "'": ["&apos;"],
};

/** One character in any case and in every encoding a server may echo. */
function charForms(char: string): string[] {
  const variants = new Set([
    char,
    char.toLowerCase(),
    char.toUpperCase(),
    char.normalize("NFD"),
  ]);
  const forms = new Set<string>();
  for (const v of variants) {
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
    forms.add([...new TextEncoder().encode(v)].map(percent).join(""));
    forms.add([...v].map((c) => c.charCodeAt(0)).map(jsonEscape).join(""));
    if (v.length === 1) {
      forms.add(`&#${v.charCodeAt(0)};`);
      forms.add(`&#x${v.charCodeAt(0).toString(16)};`);
    }
    for (const entity of ENTITIES[v] ?? []) forms.add(entity);
    if (v === "/") forms.add("\\/");
  }
  return [...forms];
}

function percent(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

function jsonEscape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, "0")}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/**
 * The base64 and base64url of a secret's UTF-8 bytes, alone or inside a
 * larger base64 string. There the secret may start at any of three byte
 * alignments; for each, only the characters made of the secret's bits alone
 * are stable, so those are looked for, and the one mixed character at each
 * edge is taken along so that none of the secret's bits stay beside the mark.
 */
function base64Pattern(secret: string): string | undefined {
  const bytes = new TextEncoder().encode(secret);
  const forms: string[] = [];
  for (const skip of [0, 1, 2]) {
    const padded = new Uint8Array(skip + bytes.length);
    padded.set(bytes, skip);
    let binary = "";
    for (const byte of padded) binary += String.fromCharCode(byte);
    const all = btoa(binary);
    const core = all.slice(
      Math.ceil(skip * 8 / 6),
      Math.floor(padded.length * 8 / 6),
    );
    if (core.length < BASE64_CORE) continue;
    const lead = skip ? "?" : "{0}";
    const trail = padded.length % 3 ? "?" : "{0}";
    for (
      const [alphabet, url] of [["A-Za-z0-9+/", false], ["A-Za-z0-9_\\-", true]]
    ) {
      const text = url ? core.replaceAll("+", "-").replaceAll("/", "_") : core;
      forms.push(
        `[${alphabet}]${lead}${escapeRegExp(text)}[${alphabet}]${trail}={0,2}`,
      );
    }
  }
  return forms.length ? forms.join("|") : undefined;
}
