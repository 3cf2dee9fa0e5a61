/**
 * The one resolver of Cleura settings, for the CLI, the MCP server and the
 * library alike. Each setting is picked on its own from a flag, the
 * environment, the chosen profile of Cleura's own CLI config and a default,
 * in that order; it is checked where it is picked (an error names the flag,
 * the variable, or the profile's field and file) and its source is kept
 * (`sources`). Reading the profile, the cluster target and the sources in
 * words are in `resolve.ts`.
 *
 * Two settings are more than a first-set-wins pick:
 *
 * - The API: when the environment sets `CLEURA_API_URL` or `CLEURA_CLOUD`,
 *   the profile's `api_url` and `cloud` are both ignored, so the two never
 *   mix into an API neither meant.
 * - The token: `CLEURA_API_TOKEN`, else the profile's, only when it is the
 *   environment's user's and API's ({@linkcode ownsProfileToken}). A token is
 *   never sent for another account or to another API.
 *
 * No error message ever shows a value read from the file, or a secret.
 *
 * @example
 * ```ts
 * import { pickCleuraSettings } from "@cloudgate/toolkit";
 *
 * const profile = {
 *   name: "work",
 *   path: "/home/alice/.config/cleura/config.yaml",
 *   chosenBy: "current_profile",
 *   fields: { username: "alice", region: "sto2", project_id: "p1" },
 * };
 * const settings = pickCleuraSettings({
 *   env: { CLEURA_REGION: "fra1" },
 *   profile,
 *   flags: { projectId: "p2" },
 * });
 * console.log(settings.username, settings.region, settings.projectId); // alice fra1 p2
 * console.log(settings.sources.region); // { kind: "env", name: "CLEURA_REGION" }
 * ```
 *
 * @module
 */

import {
  checkValue,
  CLEURA_COMPLIANT_URL,
  CLEURA_PUBLIC_URL,
  type ItopiaConfig,
  itopiaConfig,
} from "../config.ts";
import { type EnvName, type EnvSource, readEnv } from "../env.ts";
import { type CleuraProfile, isSet, shown } from "./profile.ts";

/** Cleura settings, as the API calls take them. */
export interface CleuraConfig {
  /** The API's base URL (`CLEURA_API_URL`, else chosen by `CLEURA_CLOUD`). */
  apiUrl: string;
  /** The login (`CLEURA_API_USERNAME`). */
  username?: string;
  /** The password (`CLEURA_API_PASSWORD`). */
  password?: string;
  /** A token to use as is, skipping the login (`CLEURA_API_TOKEN`). */
  token?: string;
  /** `sms` to ask for SMS two-factor up front (`CLEURA_API_TWOFA`). */
  twofa?: "sms";
  /** The auth API generation: `auto` (default), `v2` or `v1` (`CLEURA_API_VERSION`). */
  apiVersion?: "auto" | "v2" | "v1";
  /** The default region, e.g. `sto2` (`CLEURA_REGION`). */
  region?: string;
  /** The default project's id (`CLEURA_PROJECT_ID`). */
  projectId?: string;
}

/** Both APIs' settings. */
export interface Config {
  /** Cleura settings. */
  cleura: CleuraConfig;
  /** itopia settings. */
  itopia: ItopiaConfig;
}

/**
 * Where one setting's value came from: a flag (`--region`, or a tool's
 * `region` argument), a variable (`CLEURA_REGION`), a field of the chosen
 * profile (`region`), or the default.
 */
export interface SettingSource {
  /** The kind of source. */
  kind: "flag" | "env" | "profile" | "default";
  /** The flag, variable or profile field; `default` for the default. */
  name: string;
}

/** The profile of Cleura's CLI config that the settings read. */
export interface ChosenProfile {
  /** The profile's name. */
  name: string;
  /** The config file. */
  path: string;
  /** What chose it: `--profile`, `CLEURA_PROFILE`, `current_profile` or `default`. */
  chosenBy: string;
  /** Its fields. */
  fields: CleuraProfile;
}

/** The Cleura settings with where each came from. */
export interface CleuraSettings extends CleuraConfig {
  /** The source of each setting that is set. */
  sources: { [K in keyof CleuraConfig]?: SettingSource };
  /** The profile read, when one was found in a config file. */
  profile?: Omit<ChosenProfile, "fields">;
}

/** A cluster's region and project as flags or a tool's arguments give them. */
export interface TargetFlags {
  /** The region, e.g. `sto2`. */
  region?: string | undefined;
  /** The project's id. */
  projectId?: string | undefined;
}

/** How a program names the region and project, for its messages. */
export interface TargetNames {
  /** The region's flag or argument, e.g. `--region`. */
  region: string;
  /** The project's flag or argument, e.g. `--project-id`. */
  projectId: string;
  /** Where the projects are listed, e.g. `cloudgate cleura projects`. */
  projects: string;
}

/** What {@linkcode pickCleuraSettings} picks from. */
export interface CleuraSettingsInput {
  /** The environment. */
  env: EnvSource;
  /** The chosen profile, from `loadCleuraProfile`. */
  profile?: ChosenProfile | undefined;
  /** Flags, which win over the rest. */
  flags?: TargetFlags | undefined;
  /** The flags' names (default `region` and `projectId`). */
  names?: TargetNames | undefined;
}

/** The settings picked first-set-wins, after the API. */
const PICKED: readonly {
  key: Exclude<keyof CleuraConfig, "apiUrl">;
  env: EnvName;
  field?: string;
  flag?: keyof TargetFlags;
}[] = [
  { key: "username", env: "CLEURA_API_USERNAME", field: "username" },
  { key: "password", env: "CLEURA_API_PASSWORD" },
  { key: "token", env: "CLEURA_API_TOKEN", field: "token" },
  { key: "twofa", env: "CLEURA_API_TWOFA" },
  { key: "apiVersion", env: "CLEURA_API_VERSION" },
  { key: "region", env: "CLEURA_REGION", field: "region", flag: "region" },
  {
    key: "projectId",
    env: "CLEURA_PROJECT_ID",
    field: "project_id",
    flag: "projectId",
  },
];

type Picked = { value: unknown; source: SettingSource } | undefined;

const DEFAULT: SettingSource = { kind: "default", name: "default" };

/**
 * The API a URL or cloud names; `undefined` for a cloud not known.
 *
 * @param url A base URL, if any (wins).
 * @param cloud `public` or `compliant`, if any.
 * @returns The base URL without a trailing slash.
 *
 * @example
 * ```ts
 * import { apiOf } from "./settings.ts";
 *
 * console.log(apiOf(undefined, "compliant")); // https://rest.compliant.cleura.cloud
 * ```
 */
export function apiOf(
  url: string | undefined,
  cloud: string | undefined,
): string | undefined {
  if (isSet(url)) return url.trim().replace(/\/+$/, "");
  if (!isSet(cloud) || cloud.trim() === "public") return CLEURA_PUBLIC_URL;
  return cloud.trim() === "compliant" ? CLEURA_COMPLIANT_URL : undefined;
}

/** Whether the environment chooses the API itself. */
const envChoosesApi = (env: EnvSource) =>
  isSet(env.CLEURA_API_URL) || isSet(env.CLEURA_CLOUD);

/**
 * The token-ownership rule: a profile's token is used only for the profile's
 * own user (the environment names no user, or the same one; a profile with
 * no username cannot vouch for the environment's) and API (the environment
 * chooses none, or the same one, however named).
 *
 * @param profile The profile's fields.
 * @param env The environment.
 * @returns Whether the profile's token may be used.
 *
 * @example
 * ```ts
 * import { ownsProfileToken } from "@cloudgate/toolkit";
 *
 * const profile = { username: "alice", token: "t0k3n" };
 * console.log(ownsProfileToken(profile, {})); // true
 * console.log(ownsProfileToken(profile, { CLEURA_API_USERNAME: "bob" })); // false
 * ```
 */
export function ownsProfileToken(
  profile: CleuraProfile,
  env: EnvSource,
): boolean {
  const user = env.CLEURA_API_USERNAME;
  const sameUser = !isSet(user) ||
    (isSet(profile.username) && user.trim() === profile.username.trim());
  const profileApi = apiOf(profile.api_url, profile.cloud);
  const sameApi = !envChoosesApi(env) ||
    (profileApi !== undefined &&
      apiOf(env.CLEURA_API_URL, env.CLEURA_CLOUD) === profileApi);
  return sameUser && sameApi;
}

/**
 * Names a profile for messages.
 *
 * @param profile The profile's name and file.
 * @returns `Cleura CLI profile "work" in /path`.
 *
 * @example
 * ```ts
 * import { profileWhere } from "./settings.ts";
 *
 * console.log(profileWhere({ name: "work", path: "/p.yaml" })); // Cleura CLI profile "work" in /p.yaml
 * ```
 */
export function profileWhere(profile: { name: string; path: string }): string {
  return `Cleura CLI profile "${shown(profile.name)}" in ${profile.path}`;
}

/**
 * Picks one setting: the first of flag, variable and profile field that is
 * set, checked; a blank flag or variable with nothing after it is checked too.
 */
function pickOne(
  input: CleuraSettingsInput,
  env: EnvName,
  from: { field?: string | undefined; flag?: keyof TargetFlags | undefined },
  onlyProfile: boolean,
): Picked {
  const { profile } = input;
  const fields = profile?.fields;
  const { field, flag } = from;
  const candidates: [SettingSource, unknown][] = [
    [
      { kind: "flag", name: flag ? input.names?.[flag] ?? flag : "" },
      flag && input.flags?.[flag],
    ],
    [{ kind: "env", name: env }, input.env[env]],
    [
      { kind: "profile", name: field ?? "" },
      field && fields && Object.hasOwn(fields, field) ? fields[field] : "",
    ],
  ];
  const chosen = candidates.find(([, raw]) => isSet(raw)) ??
    candidates.slice(0, 2).find(([, raw]) => typeof raw === "string" && raw);
  if (chosen === undefined) return undefined;
  const [source, raw] = chosen;
  if (onlyProfile && source.kind !== "profile") return undefined;
  const value = checkValue(
    env,
    raw as string,
    source.kind === "profile" && profile
      ? {
        label: `${profileWhere(profile)}: ${field}`,
        hidden: true,
        env: input.env,
      }
      : { label: source.name, env: input.env },
  );
  return value === undefined ? undefined : { value, source };
}

/**
 * Picks the Cleura settings, each on its own: flag > environment > profile >
 * default, with the API and token rules of this module.
 *
 * @param input The environment, the chosen profile and the flags.
 * @param onlyProfile Check only the values the profile gives (so that reading
 * a profile reports a bad field at once).
 * @returns The settings, with the source of each.
 * @throws {ConfigError} Naming the flag, the variable, or the profile's field
 * and file, when the value picked is bad.
 *
 * @example
 * ```ts
 * import { pickCleuraSettings } from "@cloudgate/toolkit";
 *
 * const settings = pickCleuraSettings({ env: { CLEURA_CLOUD: "compliant" } });
 * console.log(settings.apiUrl, settings.sources.apiUrl?.name); // https://rest.compliant.cleura.cloud CLEURA_CLOUD
 * ```
 */
export function pickCleuraSettings(
  input: CleuraSettingsInput,
  onlyProfile = false,
): CleuraSettings {
  const { env, profile } = input;
  const apiInput = envChoosesApi(env)
    ? { ...input, profile: undefined }
    : input;
  const cloud = pickOne(
    apiInput,
    "CLEURA_CLOUD",
    { field: "cloud" },
    onlyProfile,
  );
  const url = pickOne(
    apiInput,
    "CLEURA_API_URL",
    { field: "api_url" },
    onlyProfile,
  );
  const settings: CleuraSettings = {
    apiUrl: (url?.value as string | undefined) ??
      (cloud?.value === "compliant" ? CLEURA_COMPLIANT_URL : CLEURA_PUBLIC_URL),
    sources: { apiUrl: url?.source ?? cloud?.source ?? DEFAULT },
  };
  if (profile) {
    const { fields: _, ...where } = profile;
    settings.profile = where;
  }
  const owned = profile !== undefined && ownsProfileToken(profile.fields, env);
  for (const { key, env: name, ...from } of PICKED) {
    const by = key === "token" && !owned
      ? { ...input, profile: undefined }
      : input;
    const picked = pickOne(by, name, from, onlyProfile);
    if (picked === undefined) continue;
    (settings as unknown as Record<string, unknown>)[key] = picked.value;
    settings.sources[key] = picked.source;
  }
  return settings;
}

/**
 * The Cleura settings from the environment alone (no flags, no profile).
 *
 * @param env The variables; by default, the process environment.
 * @returns The validated settings.
 * @throws {ConfigError} Naming the first variable with a bad value.
 *
 * @example
 * ```ts
 * import { cleuraConfig } from "@cloudgate/toolkit";
 *
 * const config = cleuraConfig({ CLEURA_CLOUD: "compliant", CLEURA_API_USERNAME: "alice" });
 * console.log(config.apiUrl); // https://rest.compliant.cleura.cloud
 * ```
 */
export function cleuraConfig(env: EnvSource = readEnv()): CleuraConfig {
  const { sources: _, ...config } = pickCleuraSettings({ env });
  return config;
}

/**
 * Parses both APIs' settings from the environment.
 *
 * @param env The variables; by default, the process environment.
 * @returns The validated settings of both APIs.
 * @throws {ConfigError} Naming the first variable with a bad value.
 *
 * @example
 * ```ts
 * import { loadConfig } from "@cloudgate/toolkit";
 *
 * const config = loadConfig({ ITOPIA_API_KEY: "k", ITOPIA_ORGANIZATION_ID: "7" });
 * console.log(config.cleura.apiUrl, config.itopia.organizationId);
 * ```
 */
export function loadConfig(env: EnvSource = readEnv()): Config {
  return { cleura: cleuraConfig(env), itopia: itopiaConfig(env) };
}
