/**
 * What the token cache checks before it trusts a folder or file it finds:
 * not a link, the right kind, small, writable by no one else, and owned by the
 * user (see SECURITY.md).
 *
 * @module
 */

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
