/**
 * What the Cleura commands run (declared in `cleura.ts`): the login in one
 * or two steps, the token, the lists, the token's check and revocation.
 *
 * @module
 */

import { parseVar } from "../lib/config.ts";
import { CloudgateError, ConfigError } from "../lib/errors.ts";
import type { CleuraSession } from "../lib/cleura/session.ts";
import {
  type CleuraProject,
  listAllProjects,
  listDomains,
  listProjects,
  listRegions,
} from "../lib/cleura/api.ts";
import { cleuraConfigPath } from "../lib/cleura/profile.ts";
import { tokenOwner } from "../lib/cleura/identity.ts";
import { tokenGeneration } from "../lib/cleura/session_call.ts";
import {
  type AuthCallOptions,
  requestSmsCode,
  startLogin,
  verifySmsCode,
} from "../lib/cleura/auth.ts";
import { type Parsed, UsageError } from "./args.ts";
import type {
  DOMAINS_OPTIONS,
  LOGIN_OPTIONS,
  PROJECTS_OPTIONS,
  REGIONS_OPTIONS,
  WHOAMI_OPTIONS,
} from "./cleura.ts";
import type { PROFILE_OPTION } from "./cleura_options.ts";
import type { CommandEnv } from "./command.ts";
import {
  cleuraSession,
  type CleuraSettings,
  cleuraSettings,
  tokenOnlySession,
} from "./cleura_session.ts";
import { askCode } from "./io.ts";
import { formatOf, printData, printList, yesNo } from "./output.ts";

/**
 * The session's token: the given or cached one, else one from a login.
 *
 * @returns The token, and `fresh` when this call logged in to get it.
 */
async function sessionToken(
  session: CleuraSession,
): Promise<{ token: string; fresh: boolean }> {
  const stored = await session.storedToken();
  if (stored !== undefined) return { token: stored, fresh: false };
  return { token: await session.token(), fresh: true };
}

/**
 * Keeps a new token: in the token cache, and with `--profile` also in that
 * profile of Cleura's CLI config (every other field and profile kept).
 */
async function keepToken(
  env: CommandEnv,
  config: CleuraSettings,
  profile: string | undefined,
  token: string,
): Promise<void> {
  const { apiUrl, username: login } = config;
  const generation = tokenGeneration(apiUrl, config.apiVersion);
  await env.cache.set({
    apiUrl,
    login,
    token,
    ...(generation ? { generation } : {}),
  });
  if (profile === undefined) return;
  const path = profilePath(env, config);
  // Loaded here: it writes YAML, and js-yaml is loaded only when needed.
  const { storeProfileToken } = await import("../lib/cleura/profile_store.ts");
  await storeProfileToken(path, {
    profile,
    token,
    username: login,
    apiUrl,
  });
  env.io.err(`Token stored in profile "${profile}" of ${path}`);
}

/** The config file a `--profile` login stores its token in. */
function profilePath(env: CommandEnv, config: CleuraSettings): string {
  const path = config.profile?.path ?? cleuraConfigPath(env.io.env);
  if (path === undefined) {
    throw new ConfigError(
      "Cannot store the token in a profile: no config file location is known (set CLEURA_CONFIG or HOME)",
    );
  }
  return path;
}

/**
 * Refuses, before any request, a `--profile` login whose token could not be
 * stored (another user's or API's profile, a malformed file, a link): an SMS
 * is not spent on a token that would be thrown away.
 */
async function checkKeep(
  env: CommandEnv,
  config: CleuraSettings,
  profile: string | undefined,
): Promise<void> {
  if (profile === undefined) return;
  const { checkProfileToken } = await import("../lib/cleura/profile_store.ts");
  await checkProfileToken(profilePath(env, config), {
    profile,
    username: config.username,
    apiUrl: config.apiUrl,
  });
}

/**
 * `cleura login --verify`: the handle from `CLEURA_VERIFICATION` (a secret, so
 * never a flag), the code from stdin or a prompt.
 */
async function finishTwoStepLogin(
  env: CommandEnv,
  profile: string | undefined,
): Promise<number> {
  const verification = parseVar<string>(env.io.env, "CLEURA_VERIFICATION");
  if (!verification) {
    throw new ConfigError(
      "CLEURA_VERIFICATION is not set: put the handle `cleura login --send-code` printed in it",
    );
  }
  const config = await cleuraSettings(env, profile, true);
  await checkKeep(env, config, profile);
  const { username: login, apiUrl } = config;
  const code = await askCode(env.io, { login, attempt: 1 }, true);
  if (!code) {
    throw new CloudgateError(`Cannot log in "${login}": no SMS code was given`);
  }
  const token = await verifySmsCode(
    { apiUrl, login, verification, code },
    authHttp(env, config),
  );
  await keepToken(env, config, profile, token);
  env.io.out(`Logged in to ${apiUrl} as "${login}"`);
  return 0;
}

/** The command's timeout and signal, with the auth API generation set. */
function authHttp(env: CommandEnv, config: CleuraSettings): AuthCallOptions {
  const { apiVersion } = config;
  return { ...env.http, ...(apiVersion ? { apiVersion } : {}) };
}

/** `cleura login --send-code`: prints the handle the second step needs. */
async function sendCode(
  env: CommandEnv,
  profile: string | undefined,
): Promise<number> {
  const { io } = env;
  const config = await cleuraSettings(env, profile, true);
  const { username: login, apiUrl, password } = config;
  if (!password) throw new ConfigError("CLEURA_API_PASSWORD is not set");
  await checkKeep(env, config, profile);
  const start = await startLogin(
    { apiUrl, login, password },
    { ...authHttp(env, config), twofa: "sms" },
  );
  if (start.kind === "token") {
    await keepToken(env, config, profile, start.token);
    io.err(`"${login}" needs no SMS code: logged in`);
    return 0;
  }
  await requestSmsCode(
    { apiUrl, login, verification: start.verification },
    authHttp(env, config),
  );
  io.err(
    `An SMS code was sent to the phone of "${login}". Finish with: CLEURA_VERIFICATION=<handle> cloudgate cleura login --verify${
      profile === undefined ? "" : ` --profile ${profile}`
    }, the code on standard input`,
  );
  io.out(start.verification);
  return 0;
}

/** `cleura login`: a login now, in one step or two. */
export async function login(
  options: Parsed<typeof LOGIN_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const { verify, profile } = options;
  if (options["send-code"] && verify) {
    throw new UsageError("--send-code and --verify cannot be used together");
  }
  if (verify) return await finishTwoStepLogin(env, profile);
  if (options["send-code"]) return await sendCode(env, profile);
  const { session, config } = await cleuraSession(env, profile, true);
  await checkKeep(env, config, profile);
  const token = await session.relogin();
  if (profile !== undefined) await keepToken(env, config, profile, token);
  env.io.out(`Logged in to ${session.apiUrl} as "${session.login}"`);
  return 0;
}

/** `cleura token`: a valid token, alone on one line. */
export async function token(
  options: Parsed<typeof PROFILE_OPTION>,
  env: CommandEnv,
): Promise<number> {
  const { session } = await cleuraSession(env, options.profile);
  let { token, fresh } = await sessionToken(session);
  if (!fresh && !(await session.validate(env.http))) {
    token = await session.relogin();
  }
  env.io.out(token);
  return 0;
}

/** `cleura regions`: the account's regions. */
export async function regions(
  options: Parsed<typeof REGIONS_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const { session } = await cleuraSession(env, options.profile);
  let regions = await listRegions(session, env.http);
  const { status } = options;
  if (status !== undefined) {
    regions = regions.filter((r) => r.status === status);
  }
  return await printList(env.io, formatOf(options), {
    data: { regions },
    rows: regions,
    empty: "No regions.",
    columns: [
      { header: "REGION", value: (r) => r.region },
      { header: "NAME", value: (r) => r.name },
      { header: "STATUS", value: (r) => r.status ?? "-" },
      {
        header: "AREA",
        value: (r) => r.areaTag ? `${r.areaName} (${r.areaTag})` : r.areaName,
      },
      { header: "DOMAIN", value: (r) => r.domainId },
    ],
  });
}

/** `cleura domains`: the account's domains with their areas. */
export async function domains(
  options: Parsed<typeof DOMAINS_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const { session } = await cleuraSession(env, options.profile);
  const domains = await listDomains(session, env.http);
  return await printList(env.io, formatOf(options), {
    data: { domains },
    rows: domains,
    empty: "No domains.",
    columns: [
      { header: "ID", value: (d) => d.id },
      { header: "NAME", value: (d) => d.name },
      {
        header: "AREA",
        value: (d) =>
          d.area.tag ? `${d.area.name} (${d.area.tag})` : d.area.name,
      },
      { header: "STATUS", value: (d) => d.status },
      { header: "ENABLED", value: (d) => yesNo(d.enabled) },
      {
        header: "REGIONS",
        value: (d) => d.area.regions.map((r) => r.region).join(", "),
      },
    ],
  });
}

/** `cleura projects`: the projects of every domain, or of one. */
export async function projects(
  options: Parsed<typeof PROJECTS_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const domainId = options.domain;
  const { session } = await cleuraSession(env, options.profile);
  const format = formatOf(options);
  const common = [
    { header: "ID", value: (p: CleuraProject) => p.id },
    { header: "NAME", value: (p: CleuraProject) => p.name },
    { header: "DEFAULT", value: (p: CleuraProject) => yesNo(p.default) },
    { header: "ENABLED", value: (p: CleuraProject) => yesNo(p.enabled) },
  ];
  if (domainId !== undefined) {
    const projects = await listProjects(session, { ...env.http, domainId });
    return await printList(env.io, format, {
      data: { domainId, projects },
      rows: projects,
      empty: "No projects.",
      columns: [...common, {
        header: "DESCRIPTION",
        value: (p) => p.description,
      }],
    });
  }
  const projects = await listAllProjects(session, env.http);
  return await printList(env.io, format, {
    data: { projects },
    rows: projects,
    empty: "No projects.",
    columns: [
      ...common,
      { header: "DOMAIN", value: (p) => p.domainName ?? p.domainId },
      { header: "REGIONS", value: (p) => p.regions.join(", ") },
    ],
  });
}

/** `cleura whoami`: whether the cached or given token is valid (exit 1 if not). */
export async function whoami(
  options: Parsed<typeof WHOAMI_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const config = await cleuraSettings(env, options.profile);
  const session = tokenOnlySession(env, config);
  const { login, apiUrl } = session;
  const valid = await session.validate(env.http);
  const user = valid ? await tokenOwner(session, env.http) : null;
  const format = formatOf(options);
  if (format !== "table") {
    await printData(env.io, format, { login, apiUrl, valid, user });
  } else {
    const who = user
      ? ` (account ${user.id}, "${user.name}"${user.admin ? ", admin" : ""})`
      : "";
    env.io.out(
      `"${login}" at ${apiUrl}: ${
        valid
          ? `the token is valid${who}`
          : "no valid token (run: cloudgate cleura login)"
      }`,
    );
  }
  return valid ? 0 : 1;
}

/** `cleura logout`: the token revoked and removed from the cache. */
export async function logout(
  options: Parsed<typeof PROFILE_OPTION>,
  env: CommandEnv,
): Promise<number> {
  const config = await cleuraSettings(env, options.profile);
  const session = tokenOnlySession(env, config);
  const revoked = await session.logout(env.http);
  env.io.out(
    revoked
      ? `Logged out "${session.login}": the token is revoked and removed from the cache`
      : `"${session.login}" has no token to revoke`,
  );
  return 0;
}
