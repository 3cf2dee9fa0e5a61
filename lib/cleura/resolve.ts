/**
 * The one call a program makes for its Cleura settings
 * (`resolveCleuraSettings`): the profile of Cleura's own CLI config found and
 * chosen, then every setting picked by `settings.ts`; and what the programs do
 * with them: the cluster target and the sources in words.
 *
 * Writing a token back is in `profile_store.ts`.
 *
 * @example
 * ```ts
 * import { resolveCleuraSettings } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/config.yaml`,
 *   "version: 1\ncurrent_profile: work\nprofiles:\n  work:\n    username: alice\n    region: sto2\n",
 * );
 * const settings = await resolveCleuraSettings({ CLEURA_CONFIG: `${dir}/config.yaml` });
 * console.log(settings.username, settings.region, settings.profile?.name); // alice sto2 work
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { parseVar, PROFILE_NAME } from "../config.ts";
import { cleuraConfigPath } from "../dirs.ts";
import type { EnvSource } from "../env.ts";
import { ConfigError } from "../errors.ts";
import {
  type CleuraProfile,
  type CleuraProfileFile,
  readCleuraProfiles,
  shown,
  UntrustedConfigError,
} from "./profile.ts";
import {
  type ChosenProfile,
  type CleuraConfig,
  type CleuraSettings,
  type CleuraSettingsInput,
  pickCleuraSettings,
  profileWhere,
  type SettingSource,
  type TargetNames,
} from "./settings.ts";

/** Where {@linkcode loadCleuraProfile} looks. */
export interface LoadCleuraProfileOptions {
  /** The profile to use (a `--profile` flag); wins over `CLEURA_PROFILE`. */
  profile?: string | undefined;
  /**
   * A profile asked for by name may be missing, or the whole file (default
   * `false`: either is an error): a login that stores its token creates it.
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

/** The profile asked for by name, and what asked for it. */
function askedProfile(
  env: EnvSource,
  flag: string | undefined,
): [string | undefined, string] {
  if (flag === undefined) {
    const named = parseVar<string>(env, "CLEURA_PROFILE");
    return [named, named === undefined ? "" : "CLEURA_PROFILE"];
  }
  if (!PROFILE_NAME.test(flag)) {
    throw new ConfigError(
      `Cleura CLI profile name "${
        shown(flag)
      }" is not valid: use up to 64 letters, digits, ".", "_" or "-"`,
    );
  }
  return [flag, "--profile"];
}

/**
 * Finds Cleura's CLI config (`cleuraConfigPath`), reads it and chooses the
 * profile: the `profile` option, else `CLEURA_PROFILE`, else the file's
 * current profile, else `default`. The values the profile would give are
 * checked at once (those the environment overrides are not used, so not
 * checked).
 *
 * @param env The environment, with the folder variables (`XDG_CONFIG_HOME`,
 * `HOME`, `APPDATA`).
 * @param options The profile asked for by a flag, if any.
 * @returns The chosen profile, or `undefined` without a file, or without the
 * profile when none was asked for by name.
 * @throws {ConfigError} When the file cannot be read or is malformed, when a
 * profile asked for by name is not there (or there is no file), or when a
 * value the profile gives is bad (naming the profile's field and the file).
 *
 * @example
 * ```ts
 * import { loadCleuraProfile } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/config.yaml`, "profiles:\n  lab:\n    username: bob\n");
 * const profile = await loadCleuraProfile({ CLEURA_CONFIG: `${dir}/config.yaml` }, { profile: "lab" });
 * console.log(profile?.name, profile?.chosenBy, profile?.fields.username); // lab --profile bob
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadCleuraProfile(
  env: EnvSource,
  options: LoadCleuraProfileOptions = {},
): Promise<ChosenProfile | undefined> {
  const [asked, askedBy] = askedProfile(env, options.profile);
  const path = cleuraConfigPath(env);
  if (path === undefined) {
    if (asked === undefined) return undefined;
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
      return undefined;
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
      return undefined;
    }
    throw error;
  }
  if (file === undefined) {
    if (asked === undefined || options.mayBeMissing) return undefined;
    throw new ConfigError(
      `Cleura CLI profile "${asked}" is not available: ${path} does not exist`,
    );
  }
  if (
    options.mayBeMissing && asked !== undefined &&
    !Object.hasOwn(file.profiles, asked)
  ) {
    return undefined;
  }
  const { name, profile } = selectProfile(file, asked);
  if (profile === undefined) return undefined;
  const chosenBy = askedBy ||
    (file.currentProfile === undefined ? "default" : "current_profile");
  const chosen = { name, path, chosenBy, fields: profile };
  pickCleuraSettings({ env, profile: chosen }, true);
  return chosen;
}

/**
 * The one call a program makes for its Cleura settings:
 * {@linkcode loadCleuraProfile}, then `pickCleuraSettings` with the flags.
 *
 * @param env The environment, with the folder variables.
 * @param options The profile asked for, whether it may be missing, the
 * flags and their names.
 * @returns The settings, with the source of each.
 * @throws {ConfigError} As those two do.
 *
 * @example
 * ```ts
 * import { resolveCleuraSettings } from "@cloudgate/toolkit";
 *
 * const settings = await resolveCleuraSettings({ CLEURA_API_USERNAME: "alice" });
 * console.log(settings.sources.username); // { kind: "env", name: "CLEURA_API_USERNAME" }
 * ```
 */
export async function resolveCleuraSettings(
  env: EnvSource,
  options:
    & LoadCleuraProfileOptions
    & Pick<CleuraSettingsInput, "flags" | "names"> = {},
): Promise<CleuraSettings> {
  const profile = await loadCleuraProfile(env, options);
  const { flags, names } = options;
  return pickCleuraSettings({ env, profile, flags, names });
}

/**
 * The region and project a cluster call targets: both must be set.
 *
 * @param settings The settings, with the flags or arguments picked in.
 * @param names The flags or arguments, for the errors.
 * @returns The region and project.
 * @throws {ConfigError} Naming what to pass or set, when one is missing.
 *
 * @example
 * ```ts
 * import { cleuraTarget, pickCleuraSettings } from "@cloudgate/toolkit";
 *
 * const names = { region: "--region", projectId: "--project-id", projects: "cloudgate cleura projects" };
 * const settings = pickCleuraSettings({
 *   env: { CLEURA_REGION: "sto2" },
 *   flags: { projectId: "p1" },
 *   names,
 * });
 * console.log(cleuraTarget(settings, names)); // { region: "sto2", projectId: "p1" }
 * ```
 */
export function cleuraTarget(
  settings: CleuraSettings,
  names: TargetNames,
): { region: string; projectId: string } {
  const { region, projectId, profile } = settings;
  const of = profile ? profileWhere(profile) : "a Cleura CLI profile";
  if (region === undefined) {
    throw new ConfigError(
      `No region: pass ${names.region} (e.g. sto2), or set CLEURA_REGION or the region of ${of}`,
    );
  }
  if (projectId === undefined) {
    throw new ConfigError(
      `No project: pass ${names.projectId}, or set CLEURA_PROJECT_ID or the project_id of ${of} (see: ${names.projects})`,
    );
  }
  return { region, projectId };
}

/**
 * One line per setting that is set, with its source, for `--debug` and the
 * MCP server's debug log: `Cleura region: sto2 (from CLEURA_REGION)`. A
 * password or token is named, never shown.
 *
 * @param settings The settings.
 * @returns The lines, the profile's first when one was read.
 *
 * @example
 * ```ts
 * import { describeSettings, pickCleuraSettings } from "@cloudgate/toolkit";
 *
 * const settings = pickCleuraSettings({ env: { CLEURA_API_TOKEN: "t0k3n" } });
 * console.log(describeSettings(settings));
 * // ["Cleura apiUrl: https://rest.cleura.cloud (default)", "Cleura token: set, not shown (from CLEURA_API_TOKEN)"]
 * ```
 */
export function describeSettings(settings: CleuraSettings): string[] {
  const { profile } = settings;
  const from = (source: SettingSource) =>
    source.kind === "default" ? "default" : `from ${source.name}`;
  const lines = profile
    ? [
      `Cleura profile: "${shown(profile.name)}" of ${profile.path} (${
        from({
          kind: profile.chosenBy === "default" ? "default" : "flag",
          name: profile.chosenBy,
        })
      })`,
    ]
    : [];
  for (const [key, source] of Object.entries(settings.sources)) {
    const value = key === "password" || key === "token"
      ? "set, not shown"
      : String(settings[key as keyof CleuraConfig]);
    const where = source.kind === "profile" && profile
      ? `from ${source.name} of profile "${shown(profile.name)}"`
      : from(source);
    lines.push(`Cleura ${key}: ${value} (${where})`);
  }
  return lines;
}
