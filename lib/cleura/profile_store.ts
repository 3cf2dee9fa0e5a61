/**
 * Writing a token into a profile of Cleura's CLI config: every other field
 * and profile kept (even those cloudgate does not know), the leading comment
 * kept, the file replaced atomically with mode 0600 in a 0700 folder.
 *
 * @module
 */

import { dump } from "js-yaml";
import { PROFILE_NAME } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { isRecord } from "../is_record.ts";
import { distrust, POSIX, sameEntry } from "../cache_checks.ts";
import { apiOf, isSet, readConfig, shown, VERSION } from "./profile.ts";

/** The first line of a file cloudgate creates. */
const DEFAULT_HEADER =
  "# Cleura CLI configuration (also written by cloudgate: cleura login --profile)";

/** Where {@linkcode storeProfileToken} stores a token. */
export interface StoreProfileTokenOptions {
  /** The profile to store the token in; created when missing. */
  profile: string;
  /** The token. */
  token: string;
  /**
   * The login the token is for: written when the profile has none, refused
   * when the profile names another.
   */
  username?: string;
  /**
   * The API the token is for: written when the profile names no API (neither
   * `api_url` nor `cloud`), refused when it names another.
   */
  apiUrl?: string;
  /** The time to record as `token_stored_at`; by default, now. */
  now?: Date;
}

/** The folder of a path (`.` for a bare name) and the file's name. */
function splitPath(path: string): { folder: string; base: string } {
  const at = POSIX
    ? path.lastIndexOf("/")
    : Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const base = path.slice(at + 1);
  if (at < 0) return { folder: ".", base };
  return { folder: at === 0 ? path.slice(0, 1) : path.slice(0, at), base };
}

/** The leading comment lines of a file, or the default header. */
function header(text: string | undefined): string {
  const lines: string[] = [];
  for (const line of (text ?? "").split("\n")) {
    if (!/^\s*(#.*)?$/.test(line)) break;
    lines.push(line.trimEnd());
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.some((line) => line.trim() !== "")
    ? lines.join("\n")
    : DEFAULT_HEADER;
}

/** RFC 3339 in UTC, whole seconds unless there are milliseconds, as Go writes. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/** The document with the token set, every other field kept. */
function withToken(
  document: Record<string, unknown> | undefined,
  options: StoreProfileTokenOptions,
  fail: (reason: string) => Error,
): Record<string, unknown> {
  const next: Record<string, unknown> = document === undefined
    ? { version: VERSION, current_profile: options.profile, profiles: {} }
    : { version: VERSION, ...document };
  next.version ??= VERSION;
  if (!isRecord(next.profiles)) next.profiles = {};
  const profiles = next.profiles as Record<string, unknown>;
  const existing = Object.hasOwn(profiles, options.profile)
    ? profiles[options.profile]
    : undefined;
  const profile: Record<string, unknown> = isRecord(existing) ? existing : {};
  if (
    isSet(options.username) && isSet(profile.username) &&
    profile.username.trim() !== options.username.trim()
  ) {
    throw fail(
      "the profile is for another user (log in as that user, or choose another profile)",
    );
  }
  const profileApi = apiOf(
    profile.api_url as string | undefined,
    profile.cloud as string | undefined,
  );
  const namesApi = isSet(profile.api_url) || isSet(profile.cloud);
  if (
    isSet(options.apiUrl) && namesApi &&
    profileApi !== apiOf(options.apiUrl, undefined)
  ) {
    throw fail(
      "the profile is for another API (log in to that API, or choose another profile)",
    );
  }
  if (!namesApi && isSet(options.apiUrl)) {
    profile.api_url = options.apiUrl.trim().replace(/\/+$/, "");
  }
  if (!isSet(profile.username) && isSet(options.username)) {
    profile.username = options.username.trim();
  }
  profile.token = options.token;
  profile.token_stored_at = rfc3339(options.now ?? new Date());
  Object.defineProperty(profiles, options.profile, {
    value: profile,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return next;
}

/** Why writing failed, in words that say what to do. */
function writeReason(error: unknown, folder: string): string {
  if (error instanceof Deno.errors.NotCapable) {
    return `not permitted (run with --allow-read=${folder} --allow-write=${folder})`;
  }
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return `it cannot be written (${
    error instanceof Error ? error.name : "error"
  })`;
}

/** The folder to write in, made (0700) when missing, and checked. */
async function checkedFolder(
  folder: string,
  fail: (reason: string) => Error,
): Promise<{ real: string; info: Deno.FileInfo }> {
  try {
    await Deno.lstat(folder);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
  }
  // A linked folder (dotfile managers link ~/.config/cleura) is written where
  // it points; the checks apply to that folder.
  const real = await Deno.realPath(folder);
  const info = await Deno.lstat(real);
  const reason = distrust(info, "folder");
  if (reason !== undefined) {
    throw fail(`its folder ${real} is refused: ${reason}`);
  }
  return { real, info };
}

/**
 * Stores a token in a profile of Cleura's CLI config, as `cleura login` does:
 * sets the profile's `token` and `token_stored_at` (RFC 3339, UTC), and its
 * `username` and `api_url` when it has none. Every other field and profile is
 * kept, even those cloudgate does not know, and so are the file's leading
 * comment lines (comments elsewhere are not). A missing file is created with
 * `version: 1` and this profile as `current_profile`; a missing profile is
 * added.
 *
 * The file is replaced atomically: a new file, mode 0600, in the same folder
 * (made with mode 0700 when missing; an existing one is not changed), then a
 * rename. A file that is a symbolic link is refused, as the rename would
 * replace the link itself; so is a folder writable by other users or owned
 * by another. Two programs storing at once: the last one wins.
 *
 * @param path The file, e.g. from {@linkcode cleuraConfigPath}.
 * @param options The profile, the token, and the user and API it is for.
 * @returns Nothing.
 * @throws {ConfigError} Naming the file, with nothing written: when the
 * existing file cannot be read or is malformed, the profile belongs to
 * another user or API, the file is a link, or the folder is refused or cannot
 * be written.
 *
 * @example
 * ```ts
 * import { readCleuraProfiles, storeProfileToken } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/cleura/config.yaml`;
 * await storeProfileToken(path, { profile: "work", token: "t0k3n", username: "alice" });
 * const file = await readCleuraProfiles(path);
 * console.log(file?.currentProfile, file?.profiles.work?.username); // work alice
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function storeProfileToken(
  path: string,
  options: StoreProfileTokenOptions,
): Promise<void> {
  const fail = (reason: string) =>
    new ConfigError(`Cannot store the token in ${path}: ${reason}`);
  if (!PROFILE_NAME.test(options.profile)) {
    throw fail(
      `profile name "${
        shown(options.profile)
      }" is not valid: use up to 64 letters, digits, ".", "_" or "-"`,
    );
  }
  if (!isSet(options.token)) throw fail("the token is empty");
  const { folder, base } = splitPath(path);
  let temp: string | undefined;
  try {
    const { real, info } = await checkedFolder(folder, fail);
    const target = `${real}/${base}`;
    await checkTarget(target, fail);
    const read = await readConfig(path);
    const text = `${header(read?.text)}\n${
      dump(withToken(read?.document, options, fail), {
        lineWidth: -1,
        noRefs: true,
      })
    }`;
    temp = `${real}/.${base}.${crypto.randomUUID()}.tmp`;
    const uid = await writeNew(temp, text);
    const again = await Deno.lstat(real);
    const reason = sameEntry(again, info)
      ? distrust(again, "folder", uid)
      : "it was replaced while the token was stored";
    if (reason !== undefined) {
      throw fail(`its folder ${real} is refused: ${reason}`);
    }
    await checkTarget(target, fail);
    await Deno.rename(temp, target);
    temp = undefined;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `Cannot store the token in ${path}: ${writeReason(error, folder)}`,
      { cause: error },
    );
  } finally {
    if (temp !== undefined) await Deno.remove(temp).catch(() => {});
  }
}

/**
 * Writes a new file, mode 0600, opened with O_EXCL (a new name, never through
 * a link), flushed to disk and closed.
 *
 * @returns The owner's user id, where files have one.
 */
async function writeNew(
  path: string,
  text: string,
): Promise<number | undefined> {
  using file = await Deno.open(path, {
    write: true,
    createNew: true,
    mode: 0o600,
  });
  if (POSIX) await Deno.chmod(path, 0o600);
  const data = new TextEncoder().encode(text);
  let written = 0;
  while (written < data.length) {
    written += await file.write(data.subarray(written));
  }
  await file.sync();
  return (await file.stat()).uid ?? undefined;
}

/** Refuses a target that is a link or not a regular file. */
async function checkTarget(
  target: string,
  fail: (reason: string) => Error,
): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(target);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (info.isSymlink) {
    throw fail(
      "it is a symbolic link, which writing would replace (point CLEURA_CONFIG at the file it links to)",
    );
  }
  if (!info.isFile) throw fail("it is not a regular file");
}
