/**
 * The Cleura commands: log in (with the SMS code from a prompt, stdin, or in
 * two steps), print the token, list regions, domains and projects, check and
 * revoke the token.
 *
 * @module
 */

import { type CleuraConfig, cleuraConfig } from "../lib/config.ts";
import { CloudgateError, ConfigError } from "../lib/errors.ts";
import { CleuraSession } from "../lib/cleura/session.ts";
import { listDomains, listProjects, listRegions } from "../lib/cleura/api.ts";
import {
  requestSmsCode,
  startLogin,
  verifySmsCode,
} from "../lib/cleura/auth.ts";
import { UsageError } from "./args.ts";
import { type Api, type CommandEnv, defineCommand } from "./command.ts";
import { askCode, type CliIo } from "./io.ts";
import { JSON_OPTION, printJson, printList } from "./output.ts";

/** The Cleura settings, with the username every Cleura command needs. */
function cleuraSettings(io: CliIo): CleuraConfig & { username: string } {
  const config = cleuraConfig(io.env);
  if (!config.username) throw new ConfigError("CLEURA_API_USERNAME is not set");
  return { ...config, username: config.username };
}

/** A session that never logs in: the given or cached token only. */
function tokenOnlySession(env: CommandEnv): CleuraSession {
  const config = cleuraSettings(env.io);
  return new CleuraSession({
    ...env.http,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(config.token ? { token: config.token } : {}),
    cache: env.cache,
  });
}

/**
 * A session that logs in when it needs to: with the password from the
 * environment, else (on a terminal, with no token given or cached) from a
 * prompt; the SMS code from {@linkcode askCode}.
 */
async function cleuraSession(env: CommandEnv): Promise<CleuraSession> {
  const { io, cache } = env;
  const config = cleuraSettings(io);
  if (!config.password && !config.token && io.isTerminal) {
    const cached = await cache.get({
      apiUrl: config.apiUrl,
      login: config.username,
    });
    if (!cached) {
      const password = await io.readSecret(
        `Cleura password for "${config.username}": `,
      );
      if (password) config.password = password;
    }
  }
  return new CleuraSession({
    ...env.http,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(config.password ? { password: config.password } : {}),
    ...(config.token ? { token: config.token } : {}),
    ...(config.twofa ? { twofa: config.twofa } : {}),
    askCode: (request) => askCode(io, request),
    cache,
    onEvent: (event) => {
      if (event.type === "warning") io.err(`warning: ${event.message}`);
    },
  });
}

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

/** `cleura login --verification HANDLE`: the code from stdin or a prompt. */
async function finishTwoStepLogin(
  verification: string,
  env: CommandEnv,
): Promise<number> {
  const { io, cache, http } = env;
  const { username: login, apiUrl } = cleuraSettings(io);
  const code = await askCode(io, { login, attempt: 1 });
  if (!code) {
    throw new CloudgateError(`Cannot log in "${login}": no SMS code was given`);
  }
  const token = await verifySmsCode(
    { apiUrl, login, verification, code },
    http,
  );
  await cache.set({ apiUrl, login, token });
  io.out(`Logged in to ${apiUrl} as "${login}"`);
  return 0;
}

/** `cleura login --send-code`: prints the handle the second step needs. */
async function sendCode(env: CommandEnv): Promise<number> {
  const { io, cache, http } = env;
  const { username: login, apiUrl, password } = cleuraSettings(io);
  if (!password) throw new ConfigError("CLEURA_API_PASSWORD is not set");
  const start = await startLogin(
    { apiUrl, login, password },
    { ...http, twofa: "sms" },
  );
  if (start.kind === "token") {
    await cache.set({ apiUrl, login, token: start.token });
    io.err(`"${login}" needs no SMS code: logged in`);
    return 0;
  }
  await requestSmsCode(
    { apiUrl, login, verification: start.verification },
    http,
  );
  io.err(
    `An SMS code was sent to the phone of "${login}". Finish with: cli.ts cleura login --verification <handle>, the code on standard input`,
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
    verification: {
      type: "string",
      value: "HANDLE",
      help: "Finish a --send-code login; the code is read from stdin",
    },
  },
  examples: [
    "cli.ts cleura login",
    "H=$(cli.ts cleura login --send-code)   # then, with the code from the SMS:",
    'printf "%s\\n" "$CODE" | cli.ts cleura login --verification "$H"',
  ],
  async run(options, env) {
    const { verification } = options;
    if (options["send-code"] && verification !== undefined) {
      throw new UsageError(
        "--send-code and --verification cannot be used together",
      );
    }
    if (verification !== undefined) {
      return await finishTwoStepLogin(verification, env);
    }
    if (options["send-code"]) return await sendCode(env);
    const session = await cleuraSession(env);
    await session.relogin();
    env.io.out(`Logged in to ${session.apiUrl} as "${session.login}"`);
    return 0;
  },
});

const token = defineCommand({
  name: "token",
  summary: "Print the token alone on one line, logging in if needed",
  options: {},
  examples: ["export CLEURA_API_TOKEN=$(cli.ts cleura token)"],
  featured: true,
  async run(_options, env) {
    const session = await cleuraSession(env);
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
    ...JSON_OPTION,
  },
  examples: [
    "cli.ts cleura regions",
    "cli.ts cleura regions --status active --json",
  ],
  featured: true,
  async run(options, env) {
    const session = await cleuraSession(env);
    let regions = await listRegions(session, env.http);
    const { status } = options;
    if (status !== undefined) {
      regions = regions.filter((r) => r.status === status);
    }
    return printList(env.io, options.json, {
      json: { regions },
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
  options: JSON_OPTION,
  examples: ["cli.ts cleura domains --json"],
  async run(options, env) {
    const session = await cleuraSession(env);
    const domains = await listDomains(session, env.http);
    return printList(env.io, options.json, {
      json: { domains },
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
        {
          header: "ENABLED",
          value: (d) => d.enabled === null ? "" : d.enabled ? "yes" : "no",
        },
        {
          header: "REGIONS",
          value: (d) => d.area.regions.map((r) => r.region).join(", "),
        },
      ],
    });
  },
});

const projects = defineCommand({
  name: "projects",
  summary: "List the projects of a domain",
  options: {
    domain: {
      type: "string",
      value: "ID",
      help: "The domain's id (see: cleura domains)",
      required: "see cli.ts cleura domains",
    },
    ...JSON_OPTION,
  },
  examples: [
    "cli.ts cleura projects --domain 79b0cef45b504586ad0bf057dc4cb8b8",
  ],
  async run(options, env) {
    const domainId = options.domain;
    const session = await cleuraSession(env);
    const projects = await listProjects(session, { ...env.http, domainId });
    return printList(env.io, options.json, {
      json: { domainId, projects },
      rows: projects,
      empty: "No projects.",
      columns: [
        { header: "ID", value: (p) => p.id },
        { header: "NAME", value: (p) => p.name },
        {
          header: "ENABLED",
          value: (p) =>
            typeof p.enabled === "boolean" ? (p.enabled ? "yes" : "no") : "",
        },
        { header: "DESCRIPTION", value: (p) => p.description },
      ],
    });
  },
});

const whoami = defineCommand({
  name: "whoami",
  summary: "Check the cached or given token (exit 1 if it is not valid)",
  options: JSON_OPTION,
  examples: ["cli.ts cleura whoami"],
  async run(options, env) {
    const session = tokenOnlySession(env);
    const { login, apiUrl } = session;
    const valid = await session.validate(env.http);
    if (options.json) printJson(env.io, { login, apiUrl, valid });
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
  options: {},
  examples: ["cli.ts cleura logout"],
  async run(_options, env) {
    const session = tokenOnlySession(env);
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
  commands: [login, token, regions, domains, projects, whoami, logout],
};
