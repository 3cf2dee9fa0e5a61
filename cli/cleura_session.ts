/**
 * The Cleura settings and sessions of the CLI: flag > environment > profile
 * of Cleura's own CLI > default, a session that logs in when it must (the
 * password from the environment or a prompt, the SMS code from a prompt or
 * stdin), and one that only uses a given or cached token.
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";
import { CleuraSession } from "../lib/cleura/session.ts";
import type { SessionEvent } from "../lib/cleura/session_options.ts";
import {
  describeSettings,
  resolveCleuraSettings,
} from "../lib/cleura/resolve.ts";
import type {
  CleuraSettings as Resolved,
  TargetFlags,
  TargetNames,
} from "../lib/cleura/settings.ts";
import type { CommandEnv } from "./command.ts";
import { askCode } from "./io.ts";

/** The Cleura settings of one command, with the username it needs. */
export interface CleuraSettings extends Resolved {
  /** The login. */
  username: string;
}

/** How the CLI names the region and project, for the settings' errors. */
export const TARGET_NAMES: TargetNames = {
  region: "--region",
  projectId: "--project-id",
  projects: "cloudgate cleura projects",
};

/**
 * The Cleura settings: flag > environment > the chosen profile of Cleura's
 * CLI config > default (a profile's token is used only for its own user and
 * API); with `--debug`, one line per setting names its source.
 *
 * @param storing A login that stores its token in the `--profile` named:
 * that profile (or the whole file) may be missing, as the login creates it.
 * @param flags `--region` and `--project-id`, for the cluster commands.
 * @throws {ConfigError} When no username is known, or the config file, a
 * flag or a variable is bad.
 */
export async function cleuraSettings(
  env: CommandEnv,
  profileFlag: string | undefined,
  storing = false,
  flags?: TargetFlags,
): Promise<CleuraSettings> {
  const settings = await anyCleuraSettings(env, profileFlag, storing, flags);
  const { username, profile } = settings;
  if (!username) {
    throw new ConfigError(
      profile
        ? `CLEURA_API_USERNAME is not set, and profile "${profile.name}" of ${profile.path} has no username`
        : "CLEURA_API_USERNAME is not set",
    );
  }
  return { ...settings, username };
}

/**
 * The Cleura settings as {@linkcode cleuraSettings} reads them (warnings and
 * `--debug` lines on stderr), a username not required: for the commands
 * that show the settings rather than use them.
 */
export async function anyCleuraSettings(
  env: CommandEnv,
  profileFlag: string | undefined,
  storing = false,
  flags?: TargetFlags,
): Promise<Resolved> {
  const settings = await resolveCleuraSettings(env.io.env, {
    onWarning: (message) => env.io.err(`warning: ${message}`),
    profile: profileFlag,
    mayBeMissing: storing && profileFlag !== undefined,
    flags,
    names: TARGET_NAMES,
  });
  if (env.debug) {
    for (const line of describeSettings(settings)) env.io.err(`debug: ${line}`);
  }
  return settings;
}

/** A session that never logs in: the given or cached token only. */
export function tokenOnlySession(
  env: CommandEnv,
  config: CleuraSettings,
): CleuraSession {
  return new CleuraSession({
    ...env.http,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(config.token ? { token: config.token } : {}),
    ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
    cache: env.cache,
    onEvent: showEvent(env),
  });
}

/**
 * A session that logs in when it needs to: with the password from the
 * environment, else (on a terminal, with no token given or cached) from a
 * prompt; the SMS code from {@linkcode askCode}.
 */
export async function loginSession(
  env: CommandEnv,
  config: CleuraSettings,
): Promise<CleuraSession> {
  const { io, cache } = env;
  let password = config.password;
  if (!password && !config.token && io.isTerminal) {
    const cached = await cache.get({
      apiUrl: config.apiUrl,
      login: config.username,
    });
    if (!cached) {
      password = await io.readSecret(
        `Cleura password for "${config.username}": `,
      ) || undefined;
    }
  }
  return new CleuraSession({
    ...env.http,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(password ? { password } : {}),
    ...(config.token ? { token: config.token } : {}),
    ...(config.twofa ? { twofa: config.twofa } : {}),
    ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
    askCode: (request) => askCode(io, request),
    cache,
    onEvent: showEvent(env),
  });
}

/** What the CLI shows of a session's events: warnings, waits, --debug lines. */
function showEvent(env: CommandEnv): (event: SessionEvent) => void {
  return (event) => {
    const { io } = env;
    if (event.type === "warning") io.err(`warning: ${event.message}`);
    if (event.type === "generation" && env.debug) {
      io.err(
        `debug: the Cleura API at ${event.apiUrl} speaks ${event.generation}`,
      );
    }
    if (event.type === "login-waiting") {
      io.err(
        `note: waiting for the Cleura login of ${
          event.pid === undefined ? "another process" : `process ${event.pid}`
        } to finish`,
      );
    }
  };
}

/**
 * The settings and a session that logs in when it must, for a command that
 * calls the API.
 */
export async function cleuraSession(
  env: CommandEnv,
  profileFlag: string | undefined,
  storing = false,
  flags?: TargetFlags,
): Promise<{ session: CleuraSession; config: CleuraSettings }> {
  const config = await cleuraSettings(env, profileFlag, storing, flags);
  return { session: await loginSession(env, config), config };
}
