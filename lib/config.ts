/**
 * Configuration from the environment: the check of every variable that
 * `lib/env.ts` reads, and the itopia settings. A bad value is a
 * {@linkcode ConfigError} that names the variable (or the flag or profile
 * field the value came from). The Cleura settings are resolved by
 * `lib/cleura/settings.ts`. Every library function also takes these values
 * as explicit options; the environment is only the default.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";
import { type EnvName, type EnvSource, readEnv } from "./env.ts";

/**
 * The Cleura REST API of the public cloud.
 *
 * @example
 * ```ts
 * import { CLEURA_PUBLIC_URL } from "@cloudgate/toolkit";
 *
 * console.log(CLEURA_PUBLIC_URL); // https://rest.cleura.cloud
 * ```
 */
export const CLEURA_PUBLIC_URL = "https://rest.cleura.cloud";
/**
 * The Cleura REST API of the compliant cloud.
 *
 * @example
 * ```ts
 * import { CLEURA_COMPLIANT_URL } from "@cloudgate/toolkit";
 *
 * console.log(CLEURA_COMPLIANT_URL); // https://rest.compliant.cleura.cloud
 * ```
 */
export const CLEURA_COMPLIANT_URL = "https://rest.compliant.cleura.cloud";
/**
 * The itopia CAS API, version 2.
 *
 * @example
 * ```ts
 * import { ITOPIA_DEFAULT_URL } from "@cloudgate/toolkit";
 *
 * console.log(ITOPIA_DEFAULT_URL); // https://cas-rest.itopia.com/api/v2
 * ```
 */
export const ITOPIA_DEFAULT_URL = "https://cas-rest.itopia.com/api/v2";

/** itopia settings, from `ITOPIA_*`. */
export interface ItopiaConfig {
  /** The API's base URL (`ITOPIA_API_URL`). */
  apiUrl: string;
  /** The API key that signs locally minted JWTs (`ITOPIA_API_KEY`). */
  apiKey?: string;
  /** The organization (`ITOPIA_ORGANIZATION_ID`). */
  organizationId?: number;
  /** The deployment (`ITOPIA_DEPLOYMENT_ID`). */
  deploymentId?: number;
  /** A CAS admin's username for the login method (`ITOPIA_USERNAME`). */
  username?: string;
  /** That admin's password (`ITOPIA_PASSWORD`). */
  password?: string;
}

/**
 * What a profile name of Cleura's CLI config may be, from `CLEURA_PROFILE` or
 * a `--profile` flag.
 */
export const PROFILE_NAME: RegExp = /^[\w.-]{1,64}$/;

/**
 * Why a value is bad: the words that follow its name, and whether a message
 * may show the value (never for a URL that may carry credentials).
 */
class Invalid {
  constructor(readonly reason: string, readonly showValue = true) {}
}

/**
 * A variable's check: its parsed value (`undefined` for unset), or why it is
 * bad. `env` gives the switch a URL's check reads (`CLOUDGATE_ALLOW_HTTP`).
 */
type Check = (raw: string, env: EnvSource) => unknown;

/** Text that is not blank, trimmed. */
const text: Check = (raw) => raw.trim() || new Invalid("must not be empty");
/** Text as it is (a password keeps its spaces). */
const anyText: Check = (raw) =>
  raw.length > 0 ? raw : new Invalid("must not be empty");
/** One of a few words, exactly. */
const oneOf = (words: readonly string[], reason: string): Check => (raw) =>
  words.includes(raw) ? raw : new Invalid(reason);
/** Trimmed text that matches a pattern. */
const matching = (pattern: RegExp, reason: string): Check => (raw) => {
  const value = raw.trim();
  return pattern.test(value) ? value : new Invalid(reason);
};
/** A positive whole number, as a number. */
const id: Check = (raw) => {
  const value = raw.trim();
  if (!/^\d{1,15}$/.test(value)) return new Invalid("must be a whole number");
  const n = Number(value);
  return n > 0 ? n : new Invalid("must be greater than 0");
};

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" ||
    /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * An API's base URL: http or https, without credentials, and over plain http
 * only to this machine unless `CLOUDGATE_ALLOW_HTTP=1`.
 */
const httpUrl: Check = (raw, env) => {
  const value = raw.trim();
  if (value === "") return undefined;
  // An API's base URL never needs an "@": any text with one may hold a user
  // name and password (one with "/", "?" or "#" in it would not even parse
  // as such), so it is refused before anything else, and never shown.
  if (value.includes("@")) {
    return new Invalid(
      'must not contain a user name or password (it has an "@"; the value is not shown); cloudgate reads credentials only from their own variables',
      false,
    );
  }
  const notUrl = new Invalid("must be an http or https URL");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return notUrl;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return notUrl;
  if (
    url.protocol === "http:" && !isLoopback(url.hostname) &&
    parseVar(env, "CLOUDGATE_ALLOW_HTTP") !== "1"
  ) {
    return new Invalid(
      `uses plain http to "${url.hostname}", which would send credentials unencrypted; use https, or set CLOUDGATE_ALLOW_HTTP=1`,
      false,
    );
  }
  return value.replace(/\/+$/, "");
};

const checks: Record<EnvName, Check> = {
  CLEURA_API_URL: httpUrl,
  CLEURA_CLOUD: oneOf(
    ["public", "compliant"],
    'must be "public" or "compliant"',
  ),
  CLEURA_API_USERNAME: text,
  CLEURA_API_PASSWORD: anyText,
  CLEURA_API_TOKEN: text,
  CLEURA_API_TWOFA: oneOf(["sms"], 'must be "sms"'),
  CLEURA_API_VERSION: oneOf(
    ["auto", "v2", "v1"],
    'must be "auto", "v2" or "v1"',
  ),
  CLEURA_REGION: matching(
    /^[A-Za-z][A-Za-z0-9-]{0,31}$/,
    'must be a region name such as "sto2"',
  ),
  CLEURA_PROJECT_ID: matching(
    /^[\w-]{1,128}$/,
    'must be a project id: up to 128 letters, digits, "_" or "-"',
  ),
  CLEURA_PROFILE: matching(
    PROFILE_NAME,
    'must be a profile name: up to 64 letters, digits, ".", "_" or "-"',
  ),
  // A path, used as it is (spaces included); only a NUL can never be one.
  CLEURA_CONFIG: (raw) =>
    raw.includes("\0") ? new Invalid("must be a file path") : anyText(raw, {}),
  // The handle `cleura login --send-code` prints, for `cleura login --verify`.
  CLEURA_VERIFICATION: text,
  ITOPIA_API_URL: httpUrl,
  ITOPIA_API_KEY: text,
  ITOPIA_ORGANIZATION_ID: id,
  ITOPIA_DEPLOYMENT_ID: id,
  ITOPIA_USERNAME: text,
  ITOPIA_PASSWORD: anyText,
  CLOUDGATE_ALLOW_HTTP: oneOf(["0", "1"], 'must be "1" or "0"'),
};

const SECRET_NAMES: ReadonlySet<EnvName> = new Set([
  "CLEURA_API_PASSWORD",
  "CLEURA_API_TOKEN",
  "CLEURA_VERIFICATION",
  "ITOPIA_API_KEY",
  "ITOPIA_PASSWORD",
]);

/**
 * Checks one value with the check of a variable, wherever the value came
 * from: the variable itself, a flag, or a field of a config file.
 *
 * @param name The variable whose check applies, e.g. `CLEURA_REGION`.
 * @param raw The value; `undefined` or empty is unset.
 * @param options `label`: what the message names (default `name`), e.g.
 * `--region`; `hidden`: never show the value (a file's); `env`: the
 * variables a check reads (`CLOUDGATE_ALLOW_HTTP`).
 * @returns The parsed value, or `undefined` when unset.
 * @throws {ConfigError} Naming the label, when the value is bad (showing the
 * value only when it is neither secret nor hidden).
 *
 * @example
 * ```ts
 * import { checkValue } from "./config.ts";
 *
 * console.log(checkValue("CLEURA_REGION", " sto2 ")); // sto2
 * try {
 *   checkValue("CLEURA_REGION", "sto 2", { label: "--region" });
 * } catch (error) {
 *   console.log((error as Error).message); // --region must be a region name such as "sto2", got "sto 2"
 * }
 * ```
 */
export function checkValue<T>(
  name: EnvName,
  raw: string | undefined,
  options: { label?: string; hidden?: boolean; env?: EnvSource } = {},
): T | undefined {
  if (raw === undefined || raw === "") return undefined;
  const value = checks[name](raw, options.env ?? {});
  if (!(value instanceof Invalid)) return value as T;
  const shown = SECRET_NAMES.has(name) || options.hidden || !value.showValue
    ? ""
    : `, got "${raw.trim().slice(0, 60)}"`;
  throw new ConfigError(`${options.label ?? name} ${value.reason}${shown}`);
}

/**
 * Parses one variable with its check.
 *
 * @param env The variables.
 * @param name The variable to parse.
 * @returns The parsed value, or `undefined` when it is unset or empty.
 * @throws {ConfigError} Naming the variable, when its value is bad (the value
 * is shown only for variables that are not secret).
 *
 * @example
 * ```ts
 * import { parseVar } from "./config.ts";
 *
 * console.log(parseVar({ CLEURA_PROFILE: "work" }, "CLEURA_PROFILE")); // work
 * ```
 */
export function parseVar<T>(env: EnvSource, name: EnvName): T | undefined {
  return checkValue<T>(name, env[name], { env });
}

/** Sets each field from its variable, when the variable is set. */
function fill<T extends object>(
  config: T,
  env: EnvSource,
  names: Partial<Record<keyof T, EnvName>>,
): T {
  for (const [field, name] of Object.entries(names)) {
    const value = parseVar(env, name as EnvName);
    if (value !== undefined) (config as Record<string, unknown>)[field] = value;
  }
  return config;
}

/**
 * Parses the itopia settings.
 *
 * @param env The variables; by default, the process environment.
 * @returns The validated settings.
 * @throws {ConfigError} Naming the first variable with a bad value.
 *
 * @example
 * ```ts
 * import { itopiaConfig } from "@cloudgate/toolkit";
 *
 * const config = itopiaConfig({ ITOPIA_ORGANIZATION_ID: "42" });
 * console.log(config.organizationId); // 42
 * ```
 */
export function itopiaConfig(env: EnvSource = readEnv()): ItopiaConfig {
  const config: ItopiaConfig = {
    apiUrl: parseVar(env, "ITOPIA_API_URL") ?? ITOPIA_DEFAULT_URL,
  };
  return fill(config, env, {
    apiKey: "ITOPIA_API_KEY",
    organizationId: "ITOPIA_ORGANIZATION_ID",
    deploymentId: "ITOPIA_DEPLOYMENT_ID",
    username: "ITOPIA_USERNAME",
    password: "ITOPIA_PASSWORD",
  });
}
