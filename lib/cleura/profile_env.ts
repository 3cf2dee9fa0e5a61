/**
 * Profiles shared with Cleura's official CLI (cleura-cli): choosing one
 * (flag, `CLEURA_PROFILE`, the file's current profile, `default`) and putting
 * it under the environment. The file is read by `profile.ts`.
 *
 * A profile fills in what the environment leaves unset: flag > environment >
 * profile > default. A profile's token is only ever used for the profile's
 * own user and API (see {@linkcode mergeProfileEnv}). Writing a token back
 * ({@linkcode storeProfileToken}) keeps every other field and profile, even
 * those cloudgate does not know, and replaces the file atomically, mode 0600.
 *
 * No error message ever shows a value read from the file.
 *
 * @example
 * ```ts
 * import { loadProfileEnv } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/config.yaml`,
 *   "version: 1\ncurrent_profile: work\nprofiles:\n  work:\n    username: alice\n    region: sto2\n",
 * );
 * const { env, profile } = await loadProfileEnv({ CLEURA_CONFIG: `${dir}/config.yaml` });
 * console.log(env.CLEURA_API_USERNAME, env.CLEURA_REGION, profile?.name); // alice sto2 work
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import {
  CLEURA_COMPLIANT_URL,
  CLEURA_PUBLIC_URL,
  cleuraConfig,
  parseVar,
  PROFILE_NAME,
} from "../config.ts";
import type { EnvSource } from "../env.ts";
import { ConfigError } from "../errors.ts";
import {
  cleuraConfigPath,
  type CleuraProfile,
  type CleuraProfileFile,
  FIELDS,
  isSet,
  readCleuraProfiles,
  shown,
  UntrustedConfigError,
} from "./profile.ts";

/** Where {@linkcode loadProfileEnv} looks. */
export interface LoadProfileEnvOptions {
  /** The profile to use (a `--profile` flag); wins over `CLEURA_PROFILE`. */
  profile?: string;
  /**
   * A profile asked for by name may be missing, or the whole file (default
   * `false`: either is an error): a login that stores its token creates it.
   * The environment then comes back unchanged.
   */
  mayBeMissing?: boolean;
  /**
   * Told, in one line naming the file and why, when the config file is not
   * used because another user could have written it (it or its folder is
   * writable by group or others, or not the user's). Without a profile asked
   * for by name, the environment alone is then used; with one, that is an
   * error.
   */
  onWarning?: (message: string) => void;
}

/** What {@linkcode loadProfileEnv} found. */
export interface ProfileEnv {
  /** The environment, with what the profile adds. */
  env: EnvSource;
  /** The profile used, when one was found in a config file. */
  profile?: { name: string; path: string };
}

function profileNames(file: CleuraProfileFile): string {
  const names = Object.keys(file.profiles);
  if (names.length === 0) return "it has no profiles";
  const listed = names.slice(0, 20).map(shown).join(", ");
  return `profiles: ${listed}${names.length > 20 ? ", …" : ""}`;
}

/**
 * Chooses a profile: the name given (from a flag or `CLEURA_PROFILE`; the
 * caller decides), else the file's `current_profile`, else `default`.
 *
 * @param file The config, or `undefined` when there is no file.
 * @param name The profile asked for by name, if any.
 * @returns The chosen name, and the profile when the file has it.
 * @throws {ConfigError} When a profile asked for by name is not in the file
 * (or there is no file).
 *
 * @example
 * ```ts
 * import { selectProfile } from "@cloudgate/toolkit";
 *
 * const file = {
 *   path: "/home/alice/.config/cleura/config.yaml",
 *   version: 1,
 *   currentProfile: "work",
 *   profiles: { work: { username: "alice" }, lab: { username: "bob" } },
 * };
 * console.log(selectProfile(file).profile?.username); // alice
 * console.log(selectProfile(file, "lab").profile?.username); // bob
 * console.log(selectProfile(undefined)); // { name: "default", profile: undefined }
 * ```
 */
export function selectProfile(
  file: CleuraProfileFile | undefined,
  name?: string,
): { name: string; profile: CleuraProfile | undefined } {
  const chosen = name ?? file?.currentProfile ?? "default";
  const profile = file !== undefined && Object.hasOwn(file.profiles, chosen)
    ? file.profiles[chosen]
    : undefined;
  if (name !== undefined && profile === undefined) {
    throw new ConfigError(
      file === undefined
        ? `Cleura CLI profile "${
          shown(name)
        }" is not available: there is no Cleura CLI config file`
        : `Cleura CLI profile "${shown(name)}" is not in ${file.path} (${
          profileNames(file)
        })`,
    );
  }
  return { name: chosen, profile };
}

/**
 * Maps a profile onto cloudgate's variables: `cloud` to `CLEURA_CLOUD`,
 * `api_url` to `CLEURA_API_URL`, `username` to `CLEURA_API_USERNAME`, `token`
 * to `CLEURA_API_TOKEN`, `region` to `CLEURA_REGION` and `project_id` to
 * `CLEURA_PROJECT_ID`, for the fields that are set and not empty.
 *
 * @param profile The profile, if any.
 * @returns The variables it sets.
 *
 * @example
 * ```ts
 * import { profileEnv } from "@cloudgate/toolkit";
 *
 * console.log(profileEnv({ username: "alice", region: "sto2", token: "" }));
 * // { CLEURA_API_USERNAME: "alice", CLEURA_REGION: "sto2" }
 * ```
 */
export function profileEnv(profile: CleuraProfile | undefined): EnvSource {
  const env: EnvSource = {};
  if (profile === undefined) return env;
  for (const [field, name] of Object.entries(FIELDS)) {
    const value = Object.hasOwn(profile, field) ? profile[field] : undefined;
    if (isSet(value)) env[name] = value;
  }
  return env;
}

/** The API a URL or cloud names; `undefined` for a cloud not known. */
export function apiOf(
  url: string | undefined,
  cloud: string | undefined,
): string | undefined {
  if (isSet(url)) return url.trim().replace(/\/+$/, "");
  if (!isSet(cloud) || cloud.trim() === "public") return CLEURA_PUBLIC_URL;
  return cloud.trim() === "compliant" ? CLEURA_COMPLIANT_URL : undefined;
}

/**
 * Puts a profile under the environment: what the environment sets wins, the
 * profile fills in the rest, with two guards.
 *
 * - The API: when the environment sets `CLEURA_API_URL` or `CLEURA_CLOUD`,
 *   the profile's `api_url` and `cloud` are both ignored, so the two never
 *   mix into an API neither meant.
 * - The token: the profile's token is used only when the environment sets no
 *   `CLEURA_API_TOKEN`, the user is the profile's own (the environment sets no
 *   `CLEURA_API_USERNAME`, or the same one), and so is the API (the
 *   environment chooses none, or the same one). A token is never sent for
 *   another account or to another API.
 *
 * `region` and `project_id` simply fill in for `CLEURA_REGION` and
 * `CLEURA_PROJECT_ID`. Values are not checked here; see
 * {@linkcode loadProfileEnv}.
 *
 * @param env The environment.
 * @param profile The profile, if any.
 * @returns The environment with the profile's values added.
 *
 * @example
 * ```ts
 * import { mergeProfileEnv } from "@cloudgate/toolkit";
 *
 * const profile = { username: "alice", token: "t0k3n", region: "sto2" };
 * console.log(mergeProfileEnv({}, profile).CLEURA_API_TOKEN); // t0k3n
 * // Another user: the profile's token is not theirs.
 * console.log(mergeProfileEnv({ CLEURA_API_USERNAME: "bob" }, profile).CLEURA_API_TOKEN); // undefined
 * ```
 */
export function mergeProfileEnv(
  env: EnvSource,
  profile: CleuraProfile | undefined,
): EnvSource {
  const merged: EnvSource = { ...env };
  const own = profileEnv(profile);
  const envChoosesApi = isSet(env.CLEURA_API_URL) || isSet(env.CLEURA_CLOUD);
  for (const [name, value] of Object.entries(own)) {
    if (name === "CLEURA_API_TOKEN") continue;
    if (
      envChoosesApi && (name === "CLEURA_API_URL" || name === "CLEURA_CLOUD")
    ) continue;
    if (!isSet(env[name])) merged[name] = value;
  }
  const token = own.CLEURA_API_TOKEN;
  if (token !== undefined && !isSet(env.CLEURA_API_TOKEN)) {
    const sameUser = !isSet(env.CLEURA_API_USERNAME) ||
      env.CLEURA_API_USERNAME.trim() === own.CLEURA_API_USERNAME?.trim();
    const profileApi = apiOf(own.CLEURA_API_URL, own.CLEURA_CLOUD);
    const sameApi = !envChoosesApi ||
      (profileApi !== undefined &&
        apiOf(env.CLEURA_API_URL, env.CLEURA_CLOUD) === profileApi);
    if (sameUser && sameApi) merged.CLEURA_API_TOKEN = token;
  }
  return merged;
}

/** The profile's field a variable came from, for messages. */
const FIELD_OF: Partial<Record<string, string>> = Object.fromEntries(
  Object.entries(FIELDS).map(([field, name]) => [name, field]),
);

/**
 * Checks the values a profile added to the environment, so a bad one is
 * reported as the profile's field rather than as a variable the user never
 * set.
 */
function checkProfileValues(
  env: EnvSource,
  merged: EnvSource,
  where: string,
): void {
  const allowHttp = env.CLOUDGATE_ALLOW_HTTP;
  for (const [name, value] of Object.entries(merged)) {
    const field = FIELD_OF[name];
    if (field === undefined || value === undefined || env[name] === value) {
      continue;
    }
    try {
      cleuraConfig({
        [name]: value,
        ...(allowHttp === undefined ? {} : { CLOUDGATE_ALLOW_HTTP: allowHttp }),
      });
    } catch (error) {
      if (!(error instanceof ConfigError) || !error.message.startsWith(name)) {
        throw error;
      }
      const reason = error.message.slice(name.length + 1)
        .replace(/, got ".*"$/, "").replaceAll(name, field);
      throw new ConfigError(`${where}: ${field} ${reason}`);
    }
  }
}

/**
 * The one call a program makes to use Cleura's CLI config: finds the file
 * ({@linkcode cleuraConfigPath}), reads it, chooses the profile (the
 * `profile` option, else `CLEURA_PROFILE`, else the file's current profile,
 * else `default`) and puts it under the environment
 * ({@linkcode mergeProfileEnv}). Without a file, or without the profile
 * when none was asked for by name, the environment comes back unchanged.
 *
 * @param env The environment; `XDG_CONFIG_HOME`, `HOME` and `APPDATA` are
 * read from it too (the caller adds them when it may read them).
 * @param options The profile asked for by a flag, if any.
 * @returns The merged environment, and the profile used, if any.
 * @throws {ConfigError} When the file cannot be read or is malformed, when a
 * profile asked for by name is not there (or there is no file), or when a
 * value the profile adds is bad (naming the profile's field).
 *
 * @example
 * ```ts
 * import { loadProfileEnv } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/config.yaml`,
 *   "profiles:\n  lab:\n    username: bob\n    token: t0k3n\n",
 * );
 * const env = { CLEURA_CONFIG: `${dir}/config.yaml`, CLEURA_API_USERNAME: "alice" };
 * const loaded = await loadProfileEnv(env, { profile: "lab" });
 * console.log(loaded.env.CLEURA_API_USERNAME, loaded.env.CLEURA_API_TOKEN); // alice undefined
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadProfileEnv(
  env: EnvSource,
  options: LoadProfileEnvOptions = {},
): Promise<ProfileEnv> {
  let asked = options.profile;
  if (asked !== undefined && !PROFILE_NAME.test(asked)) {
    throw new ConfigError(
      `Cleura CLI profile name "${
        shown(asked)
      }" is not valid: use up to 64 letters, digits, ".", "_" or "-"`,
    );
  }
  asked ??= parseVar<string>(env, "CLEURA_PROFILE");
  const path = cleuraConfigPath(env);
  if (path === undefined) {
    if (asked === undefined) return { env };
    throw new ConfigError(
      `Cleura CLI profile "${asked}" is not available: no config file location is known (set CLEURA_CONFIG or HOME)`,
    );
  }
  let file: CleuraProfileFile | undefined;
  try {
    file = await readCleuraProfiles(path);
  } catch (error) {
    // A program not permitted to read the file, and not told to use a
    // profile, works from the environment alone.
    const notPermitted = error instanceof ConfigError &&
      error.cause instanceof Deno.errors.NotCapable;
    if (notPermitted && asked === undefined && !env.CLEURA_CONFIG) {
      return { env };
    }
    if (error instanceof UntrustedConfigError) {
      if (asked !== undefined) {
        throw new ConfigError(
          `Cleura CLI profile "${asked}" is not available: ${
            error.message.replace(/^Ignoring the Cleura CLI config /, "")
          }`,
        );
      }
      options.onWarning?.(error.message);
      return { env };
    }
    throw error;
  }
  if (file === undefined) {
    if (asked === undefined || options.mayBeMissing) return { env };
    throw new ConfigError(
      `Cleura CLI profile "${asked}" is not available: ${path} does not exist`,
    );
  }
  if (
    options.mayBeMissing && asked !== undefined &&
    !Object.hasOwn(file.profiles, asked)
  ) {
    return { env };
  }
  const { name, profile } = selectProfile(file, asked);
  if (profile === undefined) return { env };
  const merged = mergeProfileEnv(env, profile);
  checkProfileValues(
    env,
    merged,
    `Cleura CLI profile "${shown(name)}" in ${path}`,
  );
  return { env: merged, profile: { name, path } };
}
