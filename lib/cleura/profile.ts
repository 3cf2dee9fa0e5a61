/**
 * Reading the config file of Cleura's official CLI (cleura-cli): YAML
 * (`version: 1`, `current_profile`, `profiles: {NAME: {cloud, api_url,
 * username, token, region, project_id, token_stored_at}}`), found at
 * `$CLEURA_CONFIG`, else `$XDG_CONFIG_HOME/cleura/config.yaml`, else
 * `$HOME/.config/cleura/config.yaml`. Choosing a profile is in `resolve.ts`,
 * picking the settings from it in `settings.ts`; writing a token back in
 * `profile_store.ts`.
 *
 * No error message ever shows a value read from the file.
 *
 * @example
 * ```ts
 * import { readCleuraProfiles } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/config.yaml`,
 *   "version: 1\ncurrent_profile: work\nprofiles:\n  work:\n    username: alice\n",
 * );
 * const file = await readCleuraProfiles(`${dir}/config.yaml`);
 * console.log(file?.currentProfile, file?.profiles.work?.username); // work alice
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { cleuraConfigPath } from "../dirs.ts";

export { cleuraConfigPath };
import { ConfigError } from "../errors.ts";
import { isRecord } from "../is_record.ts";
import { distrust, ownUid, POSIX, sameEntry } from "../cache_checks.ts";
import { splitPath } from "../private_file.ts";

export type { EnvSource } from "../env.ts";

/** The largest config file read; a real one is a few hundred bytes. */
const MAX_CONFIG_BYTES = 256 * 1024;

/** The only version of the file's format cloudgate reads and writes. */
export const VERSION = 1;

/** One profile of Cleura's CLI config. Every field is optional. */
export interface CleuraProfile {
  /** The cloud: `public` or `compliant`. */
  cloud?: "public" | "compliant" | string;
  /** The API's base URL; wins over `cloud`. */
  api_url?: string;
  /** The login. */
  username?: string;
  /** A token of that login, for that API. */
  token?: string;
  /** The default region, e.g. `sto2`. */
  region?: string;
  /** The default project's id. */
  project_id?: string;
  /** When the token was stored (RFC 3339). */
  token_stored_at?: string;
  /** Fields cloudgate does not know, kept as they are. */
  [field: string]: unknown;
}

/** Cleura's CLI config, as read from its file. */
export interface CleuraProfileFile {
  /** The file it was read from. */
  path: string;
  /** The format's version (1; a missing `version` reads as 1). */
  version: number;
  /** The profile used when none is named (`current_profile`). */
  currentProfile: string | undefined;
  /** The profiles, by name. */
  profiles: Record<string, CleuraProfile>;
}

/** The fields that must be strings when set. */
const STRING_FIELDS = [
  "cloud",
  "api_url",
  "username",
  "token",
  "region",
  "project_id",
  "token_stored_at",
];

/**
 * Whether a value is a string that is not blank.
 *
 * @param value Any value.
 * @returns `true` for a string with more than white space.
 *
 * @example
 * ```ts
 * import { isSet } from "./profile.ts";
 *
 * console.log(isSet(" sto2 "), isSet("  "), isSet(undefined)); // true false false
 * ```
 */
export function isSet(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

/** A name for a message: one line, escaped, and not too long. */
export function shown(name: string): string {
  const cut = name.length > 64 ? `${name.slice(0, 64)}…` : name;
  return JSON.stringify(cut).slice(1, -1);
}

/**
 * The refusal of a config file that someone else could have written: its
 * profile's `api_url` would receive the password of the environment. Not
 * exported from the package: {@linkcode readCleuraProfiles} throws it as a
 * {@linkcode ConfigError}.
 */
export class UntrustedConfigError extends ConfigError {
  override name = "ConfigError";
}

/**
 * The user id to compare owners with: `Deno.uid()` when `--allow-sys=uid` is
 * granted, else learnt as the token cache learns it; `undefined` when neither
 * is possible (the modes are still checked).
 */
async function userId(folder: string): Promise<number | undefined> {
  const sys = await Deno.permissions.query({ name: "sys", kind: "uid" });
  if (sys.state === "granted") return Deno.uid() ?? undefined;
  // Never a prompt: the probe is written only where writing is granted.
  const write = await Deno.permissions.query({ name: "write", path: folder });
  if (write.state !== "granted") return undefined;
  try {
    return await ownUid(folder);
  } catch {
    return undefined;
  }
}

/**
 * Why the file (seen by `stat`) or its folder, or the folder it links into,
 * is not to be trusted: writable by group or others, or another user's.
 */
async function untrusted(
  path: string,
  info: Deno.FileInfo,
): Promise<string | undefined> {
  if (!POSIX) return undefined;
  const folders = new Set([splitPath(path).folder]);
  folders.add(splitPath(await Deno.realPath(path)).folder);
  const uid = await userId([...folders].at(-1)!);
  const own = distrust(info, "file", uid);
  if (own !== undefined) return own;
  for (const folder of folders) {
    const reason = distrust(await Deno.stat(folder), "folder", uid);
    if (reason !== undefined) return `its folder ${folder} ${reason.slice(3)}`;
  }
  return undefined;
}

/** The file's text, checked and capped; `undefined` when it does not exist. */
async function readText(path: string): Promise<string | undefined> {
  const fail = (reason: string, cause?: unknown) =>
    new ConfigError(
      `Cannot read the Cleura CLI config ${path}: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
  try {
    // stat, not lstat: a linked file (dotfile managers) is read where it
    // points. A FIFO or device is refused before `open` could block on it.
    const info = await Deno.stat(path);
    if (!info.isFile) throw fail("it is not a regular file");
    if (info.size > MAX_CONFIG_BYTES) throw fail("it is larger than 256 KiB");
    // Whoever could write it could point its API URL at a server of theirs,
    // to collect the password of the environment.
    const reason = await untrusted(path, info);
    if (reason !== undefined) {
      throw new UntrustedConfigError(
        `Ignoring the Cleura CLI config ${path}: ${reason}`,
      );
    }
    using file = await Deno.open(path, { read: true });
    if (!sameEntry(await file.stat(), info)) {
      throw fail("it was replaced while being read");
    }
    const buffer = new Uint8Array(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = await file.read(buffer.subarray(length));
      if (n === null) break;
      length += n;
    }
    if (length > MAX_CONFIG_BYTES) throw fail("it is larger than 256 KiB");
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false })
        .decode(buffer.subarray(0, length));
    } catch {
      throw fail("it is not UTF-8 text");
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof Deno.errors.NotCapable) {
      throw fail(`not permitted (run with --allow-read=${path})`, error);
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw fail("permission denied", error);
    }
    throw fail(
      `it cannot be read (${error instanceof Error ? error.name : "error"})`,
      error,
    );
  }
}

/**
 * The file's document: `{}` for a file with nothing but comments. The YAML
 * parser loads only here, when there is a file to read.
 */
async function parseYaml(
  text: string,
  fail: (reason: string) => Error,
): Promise<unknown> {
  if (text.split("\n").every((line) => /^\s*(#.*)?$/.test(line))) return {};
  const { CORE_SCHEMA, load, YAMLException } = await import("js-yaml");
  try {
    return load(text, { schema: CORE_SCHEMA, maxAliases: 0 }) ?? {};
  } catch (error) {
    // The YAMLException is not kept as the cause: its message quotes the
    // file around the fault, which may be a token.
    if (!(error instanceof YAMLException)) throw fail("it is not valid YAML");
    if (error.reason.includes("maxAliases")) {
      throw fail("it uses YAML aliases (*name), which cloudgate does not read");
    }
    // At the end of the input js-yaml marks the line after the last one.
    const lines = text.replace(/\n$/, "").split("\n").length;
    const mark = error.mark?.line;
    const line = mark === undefined ? undefined : Math.min(mark + 1, lines);
    throw fail(
      `it is not valid YAML${line === undefined ? "" : ` (line ${line})`}`,
    );
  }
}

/** A read config: the typed view and the document it came from. */
interface ReadConfig {
  file: CleuraProfileFile;
  document: Record<string, unknown>;
  text: string;
}

/** Checks a parsed document; every reason names a field, never a value. */
function checkDocument(
  path: string,
  document: unknown,
  fail: (reason: string) => Error,
): { file: CleuraProfileFile; document: Record<string, unknown> } {
  if (!isRecord(document)) throw fail("it is not a YAML mapping");
  const version = document.version ?? VERSION;
  if (
    typeof version !== "number" || !Number.isSafeInteger(version) || version < 1
  ) {
    throw fail("version must be a positive whole number");
  }
  if (version > VERSION) {
    throw fail(
      `version ${version} is not supported (cloudgate reads version ${VERSION})`,
    );
  }
  const current = document.current_profile ?? undefined;
  if (current !== undefined && typeof current !== "string") {
    throw fail("current_profile must be a string");
  }
  const rawProfiles = document.profiles ?? {};
  if (!isRecord(rawProfiles)) throw fail("profiles must be a mapping");
  const profiles: [string, CleuraProfile][] = [];
  for (const [name, raw] of Object.entries(rawProfiles)) {
    const fields = raw ?? {};
    if (!isRecord(fields)) {
      throw fail(`profile "${shown(name)}" must be a mapping`);
    }
    const profile: CleuraProfile = {};
    for (const [field, value] of Object.entries(fields)) {
      if (STRING_FIELDS.includes(field)) {
        if (value === null) continue;
        if (typeof value !== "string") {
          throw fail(`profile "${shown(name)}": ${field} must be a string`);
        }
      }
      Object.defineProperty(profile, field, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    profiles.push([name, profile]);
  }
  return {
    file: {
      path,
      version,
      currentProfile: current || undefined,
      // fromEntries defines own properties, so a profile named `__proto__`
      // stays a profile.
      profiles: Object.fromEntries(profiles),
    },
    document,
  };
}

export async function readConfig(
  path: string,
): Promise<ReadConfig | undefined> {
  const raw = await readText(path);
  if (raw === undefined) return undefined;
  const text = raw.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const fail = (reason: string) =>
    new ConfigError(`Cannot read the Cleura CLI config ${path}: ${reason}`);
  return { ...checkDocument(path, await parseYaml(text, fail), fail), text };
}

/**
 * Reads Cleura's CLI config. Fields and profiles cloudgate does not know are
 * kept; a known field set to `null` reads as unset.
 *
 * @param path The file, e.g. from {@linkcode cleuraConfigPath}.
 * @returns The config, or `undefined` when the file does not exist.
 * @throws {ConfigError} In one line naming the file, never showing a value
 * from it: when it cannot be read (not permitted, not a regular file, larger
 * than 256 KiB; writable by group or others, or owned by another user, it or
 * its folder), is not YAML or not a mapping, uses
 * aliases, has a field of the wrong type, or has a `version` other than 1.
 *
 * @example
 * ```ts
 * import { readCleuraProfiles } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/config.yaml`,
 *   "version: 1\ncurrent_profile: default\nprofiles:\n  default:\n    cloud: compliant\n",
 * );
 * const file = await readCleuraProfiles(`${dir}/config.yaml`);
 * console.log(file?.profiles.default?.cloud); // compliant
 * console.log(await readCleuraProfiles(`${dir}/missing.yaml`)); // undefined
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readCleuraProfiles(
  path: string,
): Promise<CleuraProfileFile | undefined> {
  return (await readConfig(path))?.file;
}
