/**
 * The Cleura commands: log in (with the SMS code from a prompt, stdin, or in
 * two steps; the token also into a profile of Cleura's CLI config), print the
 * token, list regions, domains and projects, check and revoke the token. The
 * Kubernetes cluster commands are in `gardener.ts`.
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
import { storeProfileToken } from "../lib/cleura/profile_store.ts";
import {
  requestSmsCode,
  startLogin,
  verifySmsCode,
} from "../lib/cleura/auth.ts";
import { UsageError } from "./args.ts";
import { type Api, type CommandEnv, defineCommand } from "./command.ts";
import {
  cleuraSession,
  type CleuraSettings,
  cleuraSettings,
  PROFILE_OPTION,
  tokenOnlySession,
} from "./cleura_session.ts";
import { SHOOT_COMMANDS } from "./gardener.ts";
import { askCode } from "./io.ts";
import { formatOf, outputOptions, printData, printList } from "./output.ts";

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
  await env.cache.set({ apiUrl, login, token });
  if (profile === undefined) return;
  const path = config.profile?.path ?? cleuraConfigPath(env.io.env);
  if (path === undefined) {
    throw new ConfigError(
      "Cannot store the token in a profile: no config file location is known (set CLEURA_CONFIG or HOME)",
    );
  }
  await storeProfileToken(path, {
    profile,
    token,
    username: login,
    apiUrl,
  });
  env.io.err(`Token stored in profile "${profile}" of ${path}`);
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
  const config = await cleuraSettings(env, profile);
  const { username: login, apiUrl } = config;
  const code = await askCode(env.io, { login, attempt: 1 });
  if (!code) {
    throw new CloudgateError(`Cannot log in "${login}": no SMS code was given`);
  }
  const token = await verifySmsCode(
    { apiUrl, login, verification, code },
    env.http,
  );
  await keepToken(env, config, profile, token);
  env.io.out(`Logged in to ${apiUrl} as "${login}"`);
  return 0;
}

/** `cleura login --send-code`: prints the handle the second step needs. */
async function sendCode(
  env: CommandEnv,
  profile: string | undefined,
): Promise<number> {
  const { io, http } = env;
  const config = await cleuraSettings(env, profile);
  const { username: login, apiUrl, password } = config;
  if (!password) throw new ConfigError("CLEURA_API_PASSWORD is not set");
  const start = await startLogin(
    { apiUrl, login, password },
    { ...http, twofa: "sms" },
  );
  if (start.kind === "token") {
    await keepToken(env, config, profile, start.token);
    io.err(`"${login}" needs no SMS code: logged in`);
    return 0;
  }
  await requestSmsCode(
    { apiUrl, login, verification: start.verification },
    http,
  );
  io.err(
    `An SMS code was sent to the phone of "${login}". Finish with: CLEURA_VERIFICATION=<handle> cli.ts cleura login --verify${
      profile === undefined ? "" : ` --profile ${profile}`
    }, the code on standard input`,
  );
  io.out(start.verification);
  return 0;
}

const login = defineCommand({
  name: "login",
  summary: "Log in (SMS two-factor when needed) and cache the token",
  options: {
    "send-code": {
      type: "boolean",
      help: "Send the SMS and print a verification handle, then stop",
    },
    verify: {
      type: "boolean",
      help:
        "Finish a --send-code login: the handle from CLEURA_VERIFICATION, the code from stdin",
    },
    profile: {
      type: "string",
      value: "NAME",
      help:
        "Log in with this profile of Cleura's CLI config and store the new token in it",
    },
  },
  examples: [
    "cli.ts cleura login",
    "cli.ts cleura login --profile work   # the token goes into Cleura's CLI config too",
    "export CLEURA_VERIFICATION=$(cli.ts cleura login --send-code)   # then, with the code from the SMS:",
    'printf "%s\\n" "$CODE" | cli.ts cleura login --verify',
  ],
  async run(options, env) {
    const { verify, profile } = options;
    if (options["send-code"] && verify) {
      throw new UsageError("--send-code and --verify cannot be used together");
    }
    if (verify) return await finishTwoStepLogin(env, profile);
    if (options["send-code"]) return await sendCode(env, profile);
    const { session, config } = await cleuraSession(env, profile);
    const token = await session.relogin();
    if (profile !== undefined) await keepToken(env, config, profile, token);
    env.io.out(`Logged in to ${session.apiUrl} as "${session.login}"`);
    return 0;
  },
});

const token = defineCommand({
  name: "token",
  summary: "Print the token alone on one line, logging in if needed",
  options: PROFILE_OPTION,
  examples: ["export CLEURA_API_TOKEN=$(cli.ts cleura token)"],
  featured: true,
  async run(options, env) {
    const { session } = await cleuraSession(env, options.profile);
    let { token, fresh } = await sessionToken(session);
    if (!fresh && !(await session.validate(env.http))) {
      token = await session.relogin();
    }
    env.io.out(token);
    return 0;
  },
});

const regions = defineCommand({
  name: "regions",
  summary: "List the account's regions, one row per region",
  options: {
    status: {
      type: "string",
      value: "STATUS",
      help: "Only regions with this status (e.g. active)",
    },
    ...PROFILE_OPTION,
    ...outputOptions('{"regions": [...]}, one object per region'),
  },
  examples: [
    "cli.ts cleura regions",
    "cli.ts cleura regions --status active -o json",
  ],
  featured: true,
  async run(options, env) {
    const { session } = await cleuraSession(env, options.profile);
    let regions = await listRegions(session, env.http);
    const { status } = options;
    if (status !== undefined) {
      regions = regions.filter((r) => r.status === status);
    }
    return printList(env.io, formatOf(options), {
      data: { regions },
      rows: regions,
      empty: "No regions.",
      columns: [
        { header: "REGION", value: (r) => r.region },
        { header: "NAME", value: (r) => r.name },
        { header: "STATUS", value: (r) => r.status },
        {
          header: "AREA",
          value: (r) => r.areaTag ? `${r.areaName} (${r.areaTag})` : r.areaName,
        },
        { header: "DOMAIN", value: (r) => r.domainId },
      ],
    });
  },
});

const domains = defineCommand({
  name: "domains",
  summary: "List the account's domains with their areas",
  options: {
    ...PROFILE_OPTION,
    ...outputOptions('{"domains": [...]}, as the API returns them'),
  },
  examples: ["cli.ts cleura domains -o yaml"],
  async run(options, env) {
    const { session } = await cleuraSession(env, options.profile);
    const domains = await listDomains(session, env.http);
    return printList(env.io, formatOf(options), {
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
  },
});

/** "yes", "no", or nothing when the API does not say. */
function yesNo(value: unknown): string {
  return typeof value === "boolean" ? (value ? "yes" : "no") : "";
}

const projects = defineCommand({
  name: "projects",
  summary: "List the projects of every domain, or of one",
  options: {
    domain: {
      type: "string",
      value: "ID",
      help: "Only this domain's projects (see: cli.ts cleura domains)",
    },
    ...PROFILE_OPTION,
    ...outputOptions(
      '{"projects": [...]}, each with its domain\'s id, name and regions (with --domain: {"domainId", "projects"})',
    ),
  },
  examples: [
    "cli.ts cleura projects",
    "cli.ts cleura projects --domain 79b0cef45b504586ad0bf057dc4cb8b8 -o json",
  ],
  async run(options, env) {
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
      return printList(env.io, format, {
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
    return printList(env.io, format, {
      data: { projects },
      rows: projects,
      empty: "No projects.",
      columns: [
        ...common,
        { header: "DOMAIN", value: (p) => p.domainName ?? p.domainId },
        { header: "REGIONS", value: (p) => p.regions.join(", ") },
      ],
    });
  },
});

const whoami = defineCommand({
  name: "whoami",
  summary: "Check the cached or given token (exit 1 if it is not valid)",
  options: {
    ...PROFILE_OPTION,
    ...outputOptions('{"login", "apiUrl", "valid"}'),
  },
  examples: ["cli.ts cleura whoami"],
  async run(options, env) {
    const config = await cleuraSettings(env, options.profile);
    const session = tokenOnlySession(env, config);
    const { login, apiUrl } = session;
    const valid = await session.validate(env.http);
    const format = formatOf(options);
    if (format !== "table") printData(env.io, format, { login, apiUrl, valid });
    else {
      env.io.out(
        `"${login}" at ${apiUrl}: ${
          valid
            ? "the token is valid"
            : "no valid token (run: cli.ts cleura login)"
        }`,
      );
    }
    return valid ? 0 : 1;
  },
});

const logout = defineCommand({
  name: "logout",
  summary: "Revoke the token and delete it from the cache",
  options: PROFILE_OPTION,
  examples: ["cli.ts cleura logout"],
  async run(options, env) {
    const config = await cleuraSettings(env, options.profile);
    const session = tokenOnlySession(env, config);
    const revoked = await session.logout(env.http);
    env.io.out(
      revoked
        ? `Logged out "${session.login}": the token is revoked and removed from the cache`
        : `"${session.login}" has no token to revoke`,
    );
    return 0;
  },
});

/** The Cleura commands, in the order the help lists them. */
export const CLEURA: Api = {
  name: "cleura",
  title: "Cleura",
  commands: [
    login,
    token,
    regions,
    domains,
    projects,
    ...SHOOT_COMMANDS,
    whoami,
    logout,
  ],
};
