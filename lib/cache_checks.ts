/**
 * What the token cache checks before it trusts a folder or file it finds:
 * not a link, the right kind, small, writable by no one else, and owned by the
 * user (see SECURITY.md).
 *
 * @module
 */

import { isRecord } from "./is_record.ts";
import type { CachedToken } from "./token_cache.ts";

/** The largest cache file read; an entry is a few hundred bytes. */
export const MAX_FILE_BYTES = 64 * 1024;

/** Whether files have an owner and mode bits to check (not on Windows). */
export const POSIX = Deno.build.os !== "windows";

/** The process's user id, once known. */
let knownUid: number | undefined;

/**
 * The user id that owns what this process creates: `Deno.uid()` when
 * `--allow-sys=uid` is granted (queried, never prompted for), else learnt once
 * from an empty file created in `dir` (exclusively, so never through a link),
 * read through its handle, and removed at once. `dir` has passed every check
 * but the owner's, so only its owner can write there; when that is another
 * user, the file cannot be made (or, for root, is harmless and gone at once).
 */
export async function ownUid(dir: string): Promise<number | undefined> {
  if (knownUid !== undefined) return knownUid;
  const sys = await Deno.permissions.query({ name: "sys", kind: "uid" });
  if (sys.state === "granted") {
    knownUid = Deno.uid() ?? undefined;
    return knownUid;
  }
  const probe = `${dir}/.uid-${crypto.randomUUID()}.tmp`;
  const file = await Deno.open(probe, {
    write: true,
    createNew: true,
    mode: 0o600,
  });
  try {
    knownUid = (await file.stat()).uid ?? undefined;
    return knownUid;
  } finally {
    file.close();
    await Deno.remove(probe).catch(() => {});
  }
}

/**
 * Why a folder or file found in the cache is not to be trusted, or
 * `undefined` when it may be used. The owner is checked only when `uid` is
 * given.
 */
export function distrust(
  info: Deno.FileInfo,
  kind: "folder" | "file",
  uid?: number,
): string | undefined {
  if (info.isSymlink) return "it is a symbolic link";
  if (kind === "folder" && !info.isDirectory) return "it is not a folder";
  if (kind === "file" && !info.isFile) return "it is not a regular file";
  if (kind === "file" && info.size > MAX_FILE_BYTES) {
    return "it is larger than 64 KiB";
  }
  if (POSIX && info.mode !== null && (info.mode & 0o022) !== 0) {
    const mode = (info.mode & 0o7777).toString(8).padStart(4, "0");
    return `it is writable by other users (mode ${mode})`;
  }
  if (POSIX && uid !== undefined && info.uid !== null && info.uid !== uid) {
    return `it belongs to another user (uid ${info.uid}, not ${uid})`;
  }
  return undefined;
}

/** Whether two `lstat`s saw the same folder entry. */
export function sameEntry(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** A checked cache folder: what `lstat` saw, and the user id to compare. */
export interface CheckedDir {
  info: Deno.FileInfo;
  uid: number | undefined;
}

/** Why a cache file cannot be used, in words that say what to do. */
export function fsReason(error: unknown, dir: string): string {
  if (
    error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied
  ) {
    return `not permitted (run with --allow-read=${dir} --allow-write=${dir}, or --no-cache)`;
  }
  if (error instanceof Deno.errors.InvalidData) return error.message;
  return error instanceof Error ? error.name : "unreadable";
}

/** The name (a hash) of the entries of an API URL and login, without suffix. */
export async function entryName(
  apiUrl: string,
  login: string,
): Promise<string> {
  const data = new TextEncoder().encode(`${apiUrl}\n${login}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return `${
    Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0"))
      .join("")
  }`;
}

/**
 * Reads a checked file, at most 64 KiB, making sure the file opened is the
 * one `lstat` saw: its text, or why it is refused.
 */
export async function readChecked(
  path: string,
  checked: Deno.FileInfo,
): Promise<{ text: string } | { refused: string }> {
  using file = await Deno.open(path, { read: true });
  const opened = await file.stat();
  if (!opened.isFile || !sameEntry(opened, checked)) {
    return { refused: "it was replaced while being read" };
  }
  const buffer = new Uint8Array(MAX_FILE_BYTES + 1);
  let length = 0;
  while (length < buffer.length) {
    const n = await file.read(buffer.subarray(length));
    if (n === null) break;
    length += n;
  }
  if (length > MAX_FILE_BYTES) return { refused: "it is larger than 64 KiB" };
  return { text: new TextDecoder().decode(buffer.subarray(0, length)) };
}

/**
 * A cache file's entry for `key`: `corrupt` when it is not one, `undefined`
 * when it is another API's or login's, or has expired.
 *
 * @example
 * ```ts
 * import { entryOf } from "./cache_checks.ts";
 *
 * console.log(entryOf("{", { apiUrl: "https://x", login: "a" })); // corrupt
 * ```
 */
export function entryOf(
  text: string,
  key: { apiUrl: string; login: string },
): CachedToken | "corrupt" | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return "corrupt";
  }
  if (
    !isRecord(entry) || typeof entry.token !== "string" ||
    entry.token === "" || typeof entry.savedAt !== "string"
  ) {
    return "corrupt";
  }
  if (entry.apiUrl !== key.apiUrl || entry.login !== key.login) {
    return undefined;
  }
  const { token, savedAt, expiresAt, generation } = entry;
  if (typeof expiresAt === "string" && Date.parse(expiresAt) <= Date.now()) {
    return undefined;
  }
  return {
    apiUrl: key.apiUrl,
    login: key.login,
    token,
    savedAt,
    ...(typeof expiresAt === "string" ? { expiresAt } : {}),
    ...(generation === "v1" || generation === "v2" ? { generation } : {}),
  };
}
