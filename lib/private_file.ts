/**
 * Writing a file only its owner may read, atomically: the one way cloudgate
 * writes a credential (the token cache, a profile of Cleura's CLI config, a
 * kubeconfig, the MCP server's token file).
 *
 * @module
 */

import { POSIX } from "./cache_checks.ts";

/** The folder of a path (`.` for a bare name) and the file's name. */
export function splitPath(path: string): { folder: string; base: string } {
  const at = POSIX
    ? path.lastIndexOf("/")
    : Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const base = path.slice(at + 1);
  if (at < 0) return { folder: ".", base };
  return { folder: at === 0 ? path.slice(0, 1) : path.slice(0, at), base };
}

/** Options of {@linkcode writePrivateFile}. */
export interface WritePrivateFileOptions {
  /**
   * Runs after the new file is written and flushed, before it replaces
   * `path`, with the new file's owner (where files have one). `false`
   * abandons the write; so does a throw, which is passed on. Either way the
   * new file is removed and `path` is left as it was.
   */
  beforeRename?: (uid: number | undefined) => boolean | Promise<boolean>;
}

/**
 * Writes `text` to `path` so that only its owner may read it, atomically: a
 * new file of mode 0600 beside it, opened with O_EXCL (a new name, so never
 * through a link), flushed to disk and closed, then renamed over `path` (the
 * rename replaces the entry itself, never a link's target). On any failure
 * the new file is removed and `path` is as it was. The folder must exist.
 *
 * @param path The file to write.
 * @param text Its new content.
 * @param options A check before the rename.
 * @returns `true` when `path` was replaced, `false` when `beforeRename`
 * abandoned the write.
 * @throws {Deno.errors.NotFound} When the folder does not exist; any other
 * error of the file system as it is.
 *
 * @example
 * ```ts
 * import { writePrivateFile } from "./private_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writePrivateFile(`${dir}/secret.txt`, "t0k3n\n");
 * console.log((await Deno.stat(`${dir}/secret.txt`)).mode! & 0o777); // 384 (0600)
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writePrivateFile(
  path: string,
  text: string,
  options: WritePrivateFileOptions = {},
): Promise<boolean> {
  const { folder, base } = splitPath(path);
  const temp = `${folder}/.${base}.${crypto.randomUUID()}.tmp`;
  let made = false;
  try {
    const uid = await writeNew(temp, text, () => made = true);
    if (options.beforeRename && !await options.beforeRename(uid)) return false;
    await Deno.rename(temp, path);
    made = false;
    return true;
  } finally {
    if (made) await Deno.remove(temp).catch(() => {});
  }
}

/**
 * Writes a new file, mode 0600, opened with O_EXCL, flushed and closed.
 *
 * @returns The owner's user id, where files have one.
 */
async function writeNew(
  path: string,
  text: string,
  opened: () => void,
): Promise<number | undefined> {
  using file = await Deno.open(path, {
    write: true,
    createNew: true,
    mode: 0o600,
  });
  opened();
  if (POSIX) await Deno.chmod(path, 0o600);
  const data = new TextEncoder().encode(text);
  let written = 0;
  while (written < data.length) {
    written += await file.write(data.subarray(written));
  }
  await file.sync();
  return (await file.stat()).uid ?? undefined;
}
