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
import { distrust, sameEntry } from "../cache_checks.ts";
import { splitPath, writePrivateFile } from "../private_file.ts";
import { isSet, readConfig, shown, VERSION } from "./profile.ts";
import { apiOf } from "./settings.ts";

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

/** Who a token is for, as {@linkcode checkProfileToken} checks it. */
export type ProfileTokenOwner = Omit<StoreProfileTokenOptions, "token" | "now">;

/**
 * The document with the profile to store into (a copy of every other field),
 * after refusing a profile of another user or API.
 */
function ownedProfile(
  document: Record<string, unknown> | undefined,
  options: ProfileTokenOwner,
  fail: (reason: string) => Error,
): { next: Record<string, unknown>; profile: Record<string, unknown> } {
  const next: Record<string, unknown> = document === undefined
    ? { version: VERSION, current_profile: options.profile, profiles: {} }
    : { version: VERSION, ...document };
  next.version ??= VERSION;
  next.profiles = isRecord(next.profiles) ? { ...next.profiles } : {};
  const profiles = next.profiles as Record<string, unknown>;
  const existing = Object.hasOwn(profiles, options.profile)
    ? profiles[options.profile]
    : undefined;
  const profile: Record<string, unknown> = isRecord(existing)
    ? { ...existing }
    : {};
  if (
    isSet(options.username) && isSet(profile.username) &&
    profile.username.trim() !== options.username.trim()
  ) {
    throw fail(
      "the profile is for another user (log in as that user, or choose another profile)",
    );
  }
  const namesApi = isSet(profile.api_url) || isSet(profile.cloud);
  if (
    isSet(options.apiUrl) && namesApi &&
    apiOf(
        profile.api_url as string | undefined,
        profile.cloud as string | undefined,
      ) !== apiOf(options.apiUrl, undefined)
  ) {
    throw fail(
      "the profile is for another API (log in to that API, or choose another profile)",
    );
  }
  Object.defineProperty(profiles, options.profile, {
    value: profile,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return { next, profile };
}

/** The document with the token set, every other field kept. */
function withToken(
  document: Record<string, unknown> | undefined,
  options: StoreProfileTokenOptions,
  fail: (reason: string) => Error,
): Record<string, unknown> {
  const { next, profile } = ownedProfile(document, options, fail);
  const namesApi = isSet(profile.api_url) || isSet(profile.cloud);
  if (!namesApi && isSet(options.apiUrl)) {
    profile.api_url = options.apiUrl.trim().replace(/\/+$/, "");
  }
  if (!isSet(profile.username) && isSet(options.username)) {
    profile.username = options.username.trim();
  }
  profile.token = options.token;
  profile.token_stored_at = rfc3339(options.now ?? new Date());
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
 * The one-line error of storing into `path`; refuses a profile name Cleura's
 * CLI would not accept.
 */
function failure(
  path: string,
  profile: string,
): (reason: string) => ConfigError {
  const fail = (reason: string) =>
    new ConfigError(`Cannot store the token in ${path}: ${reason}`);
  if (!PROFILE_NAME.test(profile)) {
    throw fail(
      `profile name "${
        shown(profile)
      }" is not valid: use up to 64 letters, digits, ".", "_" or "-"`,
    );
  }
  return fail;
}

/** An error of storing as a {@linkcode ConfigError} naming the file. */
function wrapped(error: unknown, path: string, folder: string): ConfigError {
  if (error instanceof ConfigError) return error;
  return new ConfigError(
    `Cannot store the token in ${path}: ${writeReason(error, folder)}`,
    { cause: error },
  );
}

/**
 * Checks, writing nothing, that {@linkcode storeProfileToken} could store a
 * token for this user and API in this profile: the name is valid, the file
 * (when there is one) is readable, well formed and no link, its folder (when
 * there is one) is trusted, and the profile is not another user's or API's.
 * A login calls it first, so that a token it cannot keep costs no SMS.
 *
 * @param path The file, e.g. from {@linkcode cleuraConfigPath}.
 * @param owner The profile, and the user and API the token will be for.
 * @returns Nothing.
 * @throws {ConfigError} The error {@linkcode storeProfileToken} would throw.
 *
 * @example
 * ```ts
 * import { checkProfileToken } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/config.yaml`,
 *   "version: 1\nprofiles:\n  work:\n    username: bob\n",
 * );
 * await checkProfileToken(`${dir}/config.yaml`, { profile: "work", username: "alice" })
 *   .catch((error) => console.log(error.message)); // ... the profile is for another user ...
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function checkProfileToken(
  path: string,
  owner: ProfileTokenOwner,
): Promise<void> {
  const fail = failure(path, owner.profile);
  const { folder, base } = splitPath(path);
  try {
    let real: string;
    try {
      real = await Deno.realPath(folder);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      return; // No folder, no file: storing makes both.
    }
    const reason = distrust(await Deno.lstat(real), "folder");
    if (reason !== undefined) {
      throw fail(`its folder ${real} is refused: ${reason}`);
    }
    await checkTarget(`${real}/${base}`, fail);
    ownedProfile((await readConfig(path))?.document, owner, fail);
  } catch (error) {
    throw wrapped(error, path, folder);
  }
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
  const fail = failure(path, options.profile);
  if (!isSet(options.token)) throw fail("the token is empty");
  const { folder, base } = splitPath(path);
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
    await writePrivateFile(target, text, {
      beforeRename: async (uid) => {
        const again = await Deno.lstat(real);
        const reason = sameEntry(again, info)
          ? distrust(again, "folder", uid)
          : "it was replaced while the token was stored";
        if (reason !== undefined) {
          throw fail(`its folder ${real} is refused: ${reason}`);
        }
        await checkTarget(target, fail);
        return true;
      },
    });
  } catch (error) {
    throw wrapped(error, path, folder);
  }
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
