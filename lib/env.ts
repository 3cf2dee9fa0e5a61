/**
 * The environment as cloudgate reads it: the names of every variable it
 * reads for the two APIs and their reader, and the readers of the few other
 * variables that locate files. Nothing here checks a value: `lib/config.ts`
 * parses them.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";

/**
 * Every environment variable cloudgate reads for the two APIs.
 *
 * @example
 * ```ts
 * import { ENV_NAMES } from "@cloudgate/toolkit";
 *
 * console.log(ENV_NAMES.includes("CLEURA_API_TOKEN")); // true
 * ```
 */
export const ENV_NAMES = [
  "CLEURA_API_URL",
  "CLEURA_CLOUD",
  "CLEURA_API_USERNAME",
  "CLEURA_API_PASSWORD",
  "CLEURA_API_TOKEN",
  "CLEURA_API_TWOFA",
  "CLEURA_API_VERSION",
  "CLEURA_REGION",
  "CLEURA_PROJECT_ID",
  "CLEURA_PROFILE",
  "CLEURA_CONFIG",
  "CLEURA_VERIFICATION",
  "ITOPIA_API_URL",
  "ITOPIA_API_KEY",
  "ITOPIA_ORGANIZATION_ID",
  "ITOPIA_DEPLOYMENT_ID",
  "ITOPIA_USERNAME",
  "ITOPIA_PASSWORD",
  "CLOUDGATE_ALLOW_HTTP",
] as const;

/** The name of one variable cloudgate reads. */
export type EnvName = typeof ENV_NAMES[number];

/**
 * A source of environment values: by default, the process environment (what
 * `readEnv` returns). Pass one to `cleuraConfig` or `itopiaConfig` to
 * configure without touching `Deno.env`.
 *
 * @example Settings from a plain object
 * ```ts
 * import { cleuraConfig, type EnvSource } from "@cloudgate/toolkit/cleura";
 *
 * const env: EnvSource = { CLEURA_CLOUD: "compliant", CLEURA_REGION: "sto2" };
 * console.log(cleuraConfig(env).region); // sto2
 * ```
 */
export type EnvSource = Partial<Record<string, string>>;

/**
 * Reads cloudgate's variables from the process environment, one by one, so a
 * program run with `--allow-env=CLEURA_*,ITOPIA_*` has all it needs.
 *
 * @returns The variables that are set and not empty.
 * @throws {ConfigError} When reading a variable is not permitted.
 *
 * @example
 * ```ts ignore
 * import { readEnv } from "@cloudgate/toolkit";
 *
 * const env = readEnv();
 * console.log(Object.keys(env));
 * ```
 */
export function readEnv(): EnvSource {
  const env: EnvSource = {};
  for (const name of ENV_NAMES) {
    let value: string | undefined;
    try {
      value = Deno.env.get(name);
    } catch (error) {
      // An optional switch the program was not allowed to read is unset.
      if (name === "CLOUDGATE_ALLOW_HTTP") continue;
      throw new ConfigError(
        `Cannot read ${name}: permission denied (run with --allow-env=${name})`,
        { cause: error },
      );
    }
    if (value !== undefined && value !== "") env[name] = value;
  }
  return env;
}

/**
 * One environment variable that may be unset or unreadable (no permission):
 * its value, or `undefined` for unset, empty or not permitted.
 *
 * @param name The variable.
 * @returns The value, or `undefined`.
 *
 * @example
 * ```ts
 * import { optionalEnv } from "./env.ts";
 *
 * console.log(optionalEnv("CLOUDGATE_NOT_SET_ANYWHERE")); // undefined
 * ```
 */
export function optionalEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}
