#!/usr/bin/env -S deno run --allow-net --allow-env --allow-read --allow-write
/**
 * The cloudgate command line: one-off commands for the Cleura Cloud REST API
 * and the itopia CAS API. It parses arguments, calls the library and prints;
 * secrets come from the environment or a prompt, never from a flag.
 *
 * ```sh
 * deno run -A jsr:@cloudgate/toolkit/cli cleura regions
 * deno run -A jsr:@cloudgate/toolkit/cli itopia instances --deployment-id 7 --json
 * ```
 *
 * Run `cli.ts --help` for every command. Exit codes: 0 success; 1 an API,
 * authentication or network failure; 2 a usage or configuration error.
 *
 * @example Run the CLI from another program
 * ```ts ignore
 * import { main } from "@cloudgate/toolkit/cli";
 *
 * const code = await main(["cleura", "regions", "--json"]);
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type CleuraConfig,
  cleuraConfig,
  CleuraSession,
  ConfigError,
  listDomains,
  listProjects,
  listRegions,
  readEnv,
  TokenCache,
} from "./mod.ts";
import { CloudgateError } from "./lib/errors.ts";
import {
  type CodeRequest,
  requestSmsCode,
  startLogin,
  verifySmsCode,
} from "./lib/cleura/auth.ts";
import { ItopiaAuth, loginItopia } from "./lib/itopia/auth.ts";
import { mintJwt } from "./lib/itopia/jwt.ts";
import { listCloudInstances } from "./lib/itopia/api.ts";
import { itopiaConfig } from "./lib/config.ts";
import { type Column, formatJson, formatTable } from "./lib/format.ts";
import { cleanText } from "./lib/text.ts";

/** How the CLI talks to the outside world; tests and the demo replace it. */
export interface CliIo {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** Reads one line from standard input; `undefined` at its end. */
  readLine(): Promise<string | undefined>;
  /** Asks for a secret on the terminal without echoing it. */
  readSecret(prompt: string): Promise<string | undefined>;
  /** Whether standard input is a terminal. */
  isTerminal: boolean;
  /** The environment variables cloudgate reads. */
  env: Partial<Record<string, string>>;
  /** The token cache folder (default: `$XDG_CACHE_HOME/cloudgate`). */
  cacheDir?: string;
}

class UsageError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const SECRET_FLAGS: Record<string, string> = {
  "--password":
    "set CLEURA_API_PASSWORD or ITOPIA_PASSWORD, or answer the prompt",
  "--token": "set CLEURA_API_TOKEN",
  "--api-key": "set ITOPIA_API_KEY",
  "--apikey": "set ITOPIA_API_KEY",
  "--code": "pipe it on standard input or answer the prompt",
  "--sms-code": "pipe it on standard input or answer the prompt",
};

const MAIN_HELP =
  `cloudgate: the Cleura Cloud REST API and the itopia CAS API from the shell

Usage: cli.ts <api> <command> [options]

Cleura commands:
  cleura login      Log in (SMS two-factor when needed) and cache the token
  cleura token      Print the session token alone, logging in if needed
  cleura regions    List the account's regions
  cleura domains    List the account's domains
  cleura projects   List the projects of a domain (--domain ID)
  cleura whoami     Check the cached or given token
  cleura logout     Revoke the token and delete it from the cache

itopia commands:
  itopia jwt        Mint a JWT from ITOPIA_API_KEY and print it
  itopia login      Log in with ITOPIA_USERNAME/ITOPIA_PASSWORD, print the token
  itopia instances  List the VM instances of a deployment

Options for every command:
  -h, --help        Show help for the command
  --no-cache        Neither read nor write the token cache
  --timeout SECS    Per-request timeout in seconds (default 30)
  --debug           Show debug lines and stack traces of unexpected errors

Secrets are never flags: passwords, API keys and tokens come from the
environment (CLEURA_API_PASSWORD, CLEURA_API_TOKEN, ITOPIA_API_KEY,
ITOPIA_PASSWORD) or a prompt; the SMS code from a prompt or standard input.

Examples:
  cli.ts cleura regions
  echo 123456 | cli.ts cleura regions --json
  export CLEURA_API_TOKEN=$(cli.ts cleura token)
  cli.ts itopia instances --deployment-id 7

Exit codes: 0 success; 1 API, authentication or network failure;
2 usage or configuration error.`;

interface CommandSpec {
  summary: string;
  usage: string;
  options: Record<string, { type: "string" | "boolean"; help: string }>;
  examples: string[];
  run: (ctx: Context) => Promise<number>;
}

interface Context {
  io: CliIo;
  values: Record<string, string | boolean | undefined>;
  cache: TokenCache;
  http: { timeoutMs?: number };
  /** Set when this run logged in afresh (so its token needs no check). */
  loggedIn: boolean;
}

const JSON_OPTION = {
  json: { type: "boolean" as const, help: "Print JSON instead of a table" },
};

const COMMON_OPTIONS: CommandSpec["options"] = {
  help: { type: "boolean", help: "Show this help" },
  "no-cache": {
    type: "boolean",
    help: "Neither read nor write the token cache",
  },
  timeout: {
    type: "string",
    help: "Per-request timeout in seconds (default 30)",
  },
  debug: {
    type: "boolean",
    help: "Show debug lines and stack traces of unexpected errors",
  },
};

// JSON of API data: what a terminal would act on is written as \uXXXX, so
// the output is safe to show and parses back to the same data.
function printJson(io: CliIo, value: unknown): void {
  io.out(formatJson(value, 2));
}

async function askCode(
  io: CliIo,
  request: CodeRequest,
): Promise<string | undefined> {
  if (!io.isTerminal) {
    if (request.previousError) {
      io.err(
        `warning: ${request.previousError}; reading one more code from stdin`,
      );
    }
    return (await io.readLine())?.trim();
  }
  if (request.previousError) {
    io.err(`That code was not accepted (${request.previousError}).`);
    return (await io.readSecret("Type the code from the same SMS again: "))
      ?.trim();
  }
  io.err(`An SMS code was sent to the phone of "${request.login}".`);
  return (await io.readSecret("Type the SMS code: "))?.trim();
}

/** The Cleura settings, with the username every Cleura command needs. */
function cleuraSettings(ctx: Context): CleuraConfig & { username: string } {
  const config = cleuraConfig(ctx.io.env);
  if (!config.username) throw new ConfigError("CLEURA_API_USERNAME is not set");
  return { ...config, username: config.username };
}

/** A session that never logs in: the given or cached token only. */
function tokenOnlySession(ctx: Context): CleuraSession {
  const config = cleuraSettings(ctx);
  return new CleuraSession({
    ...ctx.http,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(config.token ? { token: config.token } : {}),
    cache: ctx.cache,
  });
}

/**
 * Prints a list: as JSON (`json`) with `--json`, else a table of `rows`, or
 * `empty` when there are none.
 */
function printList<T>(
  ctx: Context,
  list: {
    json: unknown;
    rows: readonly T[];
    empty: string;
    columns: Column<T>[];
  },
): number {
  if (ctx.values.json) printJson(ctx.io, list.json);
  else if (list.rows.length === 0) ctx.io.out(list.empty);
  else ctx.io.out(formatTable(list.rows, list.columns));
  return 0;
}

async function cleuraSession(ctx: Context): Promise<CleuraSession> {
  const { io, cache } = ctx;
  const config = cleuraSettings(ctx);
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
    ...ctx.http,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(config.password ? { password: config.password } : {}),
    ...(config.token ? { token: config.token } : {}),
    ...(config.twofa ? { twofa: config.twofa } : {}),
    askCode: (request) => askCode(io, request),
    cache,
    onEvent: (event) => {
      if (event.type === "warning") io.err(`warning: ${event.message}`);
      if (event.type === "logged-in") ctx.loggedIn = true;
    },
  });
}

async function cleuraLogin(ctx: Context): Promise<number> {
  const { io, values } = ctx;
  if (values["send-code"] && values.verification !== undefined) {
    throw new UsageError(
      "--send-code and --verification cannot be used together",
    );
  }
  if (values["send-code"] || values.verification !== undefined) {
    return await twoStepLogin(ctx);
  }
  const session = await cleuraSession(ctx);
  await session.relogin();
  io.out(`Logged in to ${session.apiUrl} as "${session.login}"`);
  return 0;
}

async function twoStepLogin(ctx: Context): Promise<number> {
  const { io, values, cache } = ctx;
  const config = cleuraSettings(ctx);
  const login = config.username;
  const apiUrl = config.apiUrl;
  if (typeof values.verification === "string") {
    const code = await askCode(io, { login, attempt: 1 });
    if (!code) {
      throw new CloudgateError(
        `Cannot log in "${login}": no SMS code was given`,
      );
    }
    const token = await verifySmsCode({
      apiUrl,
      login,
      verification: values.verification,
      code,
    }, ctx.http);
    await cache.set({ apiUrl, login, token });
    io.out(`Logged in to ${apiUrl} as "${login}"`);
    return 0;
  }
  if (!config.password) throw new ConfigError("CLEURA_API_PASSWORD is not set");
  const start = await startLogin(
    { apiUrl, login, password: config.password },
    { ...ctx.http, twofa: "sms" },
  );
  if (start.kind === "token") {
    await cache.set({ apiUrl, login, token: start.token });
    io.err(`"${login}" needs no SMS code: logged in`);
    return 0;
  }
  await requestSmsCode(
    { apiUrl, login, verification: start.verification },
    ctx.http,
  );
  io.err(
    `An SMS code was sent to the phone of "${login}". Finish with: cli.ts cleura login --verification <handle>, the code on standard input`,
  );
  io.out(start.verification);
  return 0;
}

async function cleuraToken(ctx: Context): Promise<number> {
  const session = await cleuraSession(ctx);
  let token = await session.token();
  if (!ctx.loggedIn && !(await session.validate(ctx.http))) {
    token = await session.relogin();
  }
  ctx.io.out(token);
  return 0;
}

async function cleuraRegions(ctx: Context): Promise<number> {
  const session = await cleuraSession(ctx);
  let regions = await listRegions(session, ctx.http);
  const status = ctx.values.status;
  if (typeof status === "string") {
    regions = regions.filter((r) => r.status === status);
  }
  return printList(ctx, {
    json: { regions },
    rows: regions,
    empty: "No regions.",
    columns: [
      { header: "REGION", value: (r) => r.region },
      { header: "NAME", value: (r) => r.name },
      { header: "STATUS", value: (r) => r.status },
      { header: "AREA", value: (r) => `${r.areaName} (${r.areaTag})` },
      { header: "DOMAIN", value: (r) => r.domainId },
    ],
  });
}

async function cleuraDomains(ctx: Context): Promise<number> {
  const session = await cleuraSession(ctx);
  const domains = await listDomains(session, ctx.http);
  return printList(ctx, {
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
}

async function cleuraProjects(ctx: Context): Promise<number> {
  const domainId = ctx.values.domain;
  if (typeof domainId !== "string" || domainId.trim() === "") {
    throw new UsageError("--domain ID is required (see cli.ts cleura domains)");
  }
  const session = await cleuraSession(ctx);
  const projects = await listProjects(session, { ...ctx.http, domainId });
  return printList(ctx, {
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
}

async function cleuraWhoami(ctx: Context): Promise<number> {
  const session = tokenOnlySession(ctx);
  const valid = await session.validate(ctx.http);
  if (ctx.values.json) {
    printJson(ctx.io, { login: session.login, apiUrl: session.apiUrl, valid });
  } else {
    ctx.io.out(
      `"${session.login}" at ${session.apiUrl}: ${
        valid
          ? "the token is valid"
          : "no valid token (run: cli.ts cleura login)"
      }`,
    );
  }
  return valid ? 0 : 1;
}

async function cleuraLogout(ctx: Context): Promise<number> {
  const session = tokenOnlySession(ctx);
  const revoked = await session.logout(ctx.http);
  ctx.io.out(
    revoked
      ? `Logged out "${session.login}": the token is revoked and removed from the cache`
      : `"${session.login}" has no token to revoke`,
  );
  return 0;
}

function idFlag(
  values: Context["values"],
  flag: string,
  fallback: number | undefined,
): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) {
    throw new UsageError(
      `--${flag} must be a positive whole number, got "${
        String(raw).slice(0, 40)
      }"`,
    );
  }
  return Number(text);
}

async function itopiaJwt(ctx: Context): Promise<number> {
  const config = itopiaConfig(ctx.io.env);
  if (!config.apiKey) throw new ConfigError("ITOPIA_API_KEY is not set");
  const organizationId = idFlag(
    ctx.values,
    "organization-id",
    config.organizationId,
  );
  if (organizationId === undefined) {
    throw new ConfigError(
      "ITOPIA_ORGANIZATION_ID is not set (or pass --organization-id)",
    );
  }
  const deploymentId = idFlag(ctx.values, "deployment-id", config.deploymentId);
  let ttlSeconds: number | undefined;
  if (ctx.values.ttl !== undefined) {
    const text = String(ctx.values.ttl).trim();
    ttlSeconds = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
    if (!(ttlSeconds >= 1 && ttlSeconds <= 86_400)) {
      throw new UsageError(
        `--ttl must be a whole number of seconds from 1 to 86400, got "${
          text.slice(0, 40)
        }"`,
      );
    }
  }
  const minted = await mintJwt({
    apiKey: config.apiKey,
    organizationId,
    ...(deploymentId === undefined ? {} : { deploymentId }),
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  if (ctx.values.json) printJson(ctx.io, minted);
  else ctx.io.out(minted.token);
  return 0;
}

async function itopiaLogin(ctx: Context): Promise<number> {
  const config = itopiaConfig(ctx.io.env);
  if (!config.username) throw new ConfigError("ITOPIA_USERNAME is not set");
  let password = config.password;
  if (!password && ctx.io.isTerminal) {
    password = await ctx.io.readSecret(
      `itopia password for "${config.username}": `,
    );
  }
  if (!password) throw new ConfigError("ITOPIA_PASSWORD is not set");
  const result = await loginItopia(
    { apiUrl: config.apiUrl, username: config.username, password },
    ctx.http,
  );
  ctx.io.out(result.token);
  return 0;
}

async function itopiaInstances(ctx: Context): Promise<number> {
  const config = itopiaConfig(ctx.io.env);
  const deploymentId = idFlag(ctx.values, "deployment-id", config.deploymentId);
  if (deploymentId === undefined) {
    throw new ConfigError(
      "ITOPIA_DEPLOYMENT_ID is not set (or pass --deployment-id)",
    );
  }
  const organizationId = idFlag(
    ctx.values,
    "organization-id",
    config.organizationId,
  );
  if (
    !config.apiKey && !config.password && config.username && ctx.io.isTerminal
  ) {
    const password = await ctx.io.readSecret(
      `itopia password for "${config.username}": `,
    );
    if (password) config.password = password;
  }
  const auth = ItopiaAuth.fromConfig({
    ...config,
    ...(organizationId === undefined ? {} : { organizationId }),
    deploymentId,
  }, {
    ...ctx.http,
    onEvent: (event) => {
      if (event.type === "token-lifetime" && ctx.values.debug) {
        ctx.io.err(
          `debug: the itopia token's expiry was read as ${event.reading}; it is used for ${event.seconds} s`,
        );
      }
    },
  });
  const instances = await listCloudInstances(auth, {
    ...ctx.http,
    deploymentId,
  });
  const extra = Object.keys(instances[0] ?? {}).filter((k) =>
    !["id", "name", "status"].includes(k) &&
    ["string", "number", "boolean"].includes(typeof instances[0]?.[k])
  ).slice(0, 3);
  printList(ctx, {
    json: { instances, total: instances.length },
    rows: instances,
    empty: "No instances.",
    columns: [
      { header: "ID", value: (i) => i.id },
      { header: "NAME", value: (i) => i.name },
      { header: "STATUS", value: (i) => i.status },
      ...extra.map((k) => ({
        header: k.replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase(),
        value: (i: Record<string, unknown>) => i[k],
      })),
    ],
  });
  if (!ctx.values.json && instances.length > 0) {
    ctx.io.out(
      `${instances.length} instance${instances.length === 1 ? "" : "s"}`,
    );
  }
  return 0;
}

const COMMANDS: Record<string, Record<string, CommandSpec>> = {
  cleura: {
    login: {
      summary: "Log in (SMS two-factor when needed) and cache the token",
      usage: "cleura login [--send-code | --verification HANDLE]",
      options: {
        "send-code": {
          type: "boolean",
          help: "Send the SMS and print a verification handle, then stop",
        },
        verification: {
          type: "string",
          help: "Finish a --send-code login; the code is read from stdin",
        },
      },
      examples: [
        "cli.ts cleura login",
        'H=$(cli.ts cleura login --send-code) && echo 123456 | cli.ts cleura login --verification "$H"',
      ],
      run: cleuraLogin,
    },
    token: {
      summary:
        "Print the session token alone on one line, logging in if needed",
      usage: "cleura token",
      options: {},
      examples: ["export CLEURA_API_TOKEN=$(cli.ts cleura token)"],
      run: cleuraToken,
    },
    regions: {
      summary: "List the account's regions, one row per region",
      usage: "cleura regions [--status STATUS] [--json]",
      options: {
        ...JSON_OPTION,
        status: {
          type: "string",
          help: "Only regions with this status (e.g. active)",
        },
      },
      examples: [
        "cli.ts cleura regions",
        "echo 123456 | cli.ts cleura regions --json",
      ],
      run: cleuraRegions,
    },
    domains: {
      summary: "List the account's domains with their areas",
      usage: "cleura domains [--json]",
      options: { ...JSON_OPTION },
      examples: ["cli.ts cleura domains --json"],
      run: cleuraDomains,
    },
    projects: {
      summary: "List the projects of a domain",
      usage: "cleura projects --domain ID [--json]",
      options: {
        ...JSON_OPTION,
        domain: {
          type: "string",
          help: "The domain's id (see: cleura domains)",
        },
      },
      examples: [
        "cli.ts cleura projects --domain 79b0cef45b504586ad0bf057dc4cb8b8",
      ],
      run: cleuraProjects,
    },
    whoami: {
      summary:
        "Check whether the cached or given token is valid (exit 1 if not)",
      usage: "cleura whoami [--json]",
      options: { ...JSON_OPTION },
      examples: ["cli.ts cleura whoami"],
      run: cleuraWhoami,
    },
    logout: {
      summary: "Revoke the token and delete it from the cache",
      usage: "cleura logout",
      options: {},
      examples: ["cli.ts cleura logout"],
      run: cleuraLogout,
    },
  },
  itopia: {
    jwt: {
      summary: "Mint a JWT from ITOPIA_API_KEY and print it alone on one line",
      usage:
        "itopia jwt [--organization-id N] [--deployment-id N] [--ttl SECONDS] [--json]",
      options: {
        ...JSON_OPTION,
        "organization-id": {
          type: "string",
          help: "The organization (default ITOPIA_ORGANIZATION_ID)",
        },
        "deployment-id": {
          type: "string",
          help: "Pin the token to a deployment (default ITOPIA_DEPLOYMENT_ID)",
        },
        ttl: {
          type: "string",
          help: "Lifetime in seconds, 1 to 86400 (default 3600)",
        },
      },
      examples: ["TOKEN=$(cli.ts itopia jwt --organization-id 42 --ttl 600)"],
      run: itopiaJwt,
    },
    login: {
      summary:
        "Log in with ITOPIA_USERNAME and ITOPIA_PASSWORD, print the token",
      usage: "itopia login",
      options: {},
      examples: ["TOKEN=$(cli.ts itopia login)"],
      run: itopiaLogin,
    },
    instances: {
      summary:
        "List the VM instances of a deployment (API key if set, else login)",
      usage:
        "itopia instances [--deployment-id N] [--organization-id N] [--json]",
      options: {
        ...JSON_OPTION,
        "deployment-id": {
          type: "string",
          help: "The deployment (default ITOPIA_DEPLOYMENT_ID)",
        },
        "organization-id": {
          type: "string",
          help: "The organization (default ITOPIA_ORGANIZATION_ID)",
        },
      },
      examples: [
        "cli.ts itopia instances --deployment-id 7",
        "cli.ts itopia instances --json",
      ],
      run: itopiaInstances,
    },
  },
};

function apiHelp(api: string): string {
  const commands = COMMANDS[api] ?? {};
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return [
    `Usage: cli.ts ${api} <command> [options]`,
    "",
    "Commands:",
    ...Object.entries(commands).map(([name, spec]) =>
      `  ${name.padEnd(width)}  ${spec.summary}`
    ),
    "",
    `Run "cli.ts ${api} <command> --help" for a command's options.`,
  ].join("\n");
}

function commandHelp(spec: CommandSpec): string {
  const options = { ...spec.options, ...COMMON_OPTIONS };
  const flags = Object.entries(options).map(([name, o]) =>
    `--${name}${o.type === "string" ? " VALUE" : ""}`
  );
  const width = Math.max(...flags.map((f) => f.length));
  return [
    `${spec.summary}`,
    "",
    `Usage: cli.ts ${spec.usage}`,
    "",
    "Options:",
    ...Object.values(options).map((o, i) =>
      `  ${flags[i]!.padEnd(width)}  ${o.help}`
    ),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
  ].join("\n");
}

function parseError(error: unknown, where: string): UsageError {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? "";
  const see = `see: cli.ts ${where} --help`;
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return new UsageError(`Unknown option "${flag}" (${see})`);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return new UsageError(
        message.includes("argument missing")
          ? `Option "${flag.replace(/,.*/, "")}" needs a value (${see})`
          : `Option "${flag}" takes no value (${see})`,
      );
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return new UsageError(`Unexpected argument (${see})`);
    default:
      return new UsageError(`Invalid arguments (${see})`);
  }
}

function refuseSecretFlags(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === "--") break;
    const flag = arg.split("=")[0]!.toLowerCase();
    const hint = SECRET_FLAGS[flag];
    if (hint) {
      throw new UsageError(
        `${flag} is not accepted: a secret on the command line ends up in shell history and process lists; ${hint}`,
      );
    }
  }
}

async function run(args: string[], io: CliIo): Promise<number> {
  refuseSecretFlags(args);
  const [api, command, ...rest] = args;
  if (api === undefined || api === "-h" || api === "--help" || api === "help") {
    io.out(MAIN_HELP);
    return api === undefined ? 2 : 0;
  }
  const commands = COMMANDS[api];
  if (!commands) {
    throw new UsageError(
      `Unknown API "${
        api.slice(0, 40)
      }": use "cleura" or "itopia" (see: cli.ts --help)`,
    );
  }
  if (command === undefined || command === "-h" || command === "--help") {
    io.out(apiHelp(api));
    return command === undefined ? 2 : 0;
  }
  const spec = commands[command];
  if (!spec) {
    throw new UsageError(
      `Unknown command "${api} ${
        command.slice(0, 40)
      }" (see: cli.ts ${api} --help)`,
    );
  }
  let values: Context["values"];
  try {
    values = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries({ ...spec.options, ...COMMON_OPTIONS }).map((
          [k, o],
        ) => [k, { type: o.type }]),
      ),
      strict: true,
      allowPositionals: false,
    }).values as Context["values"];
  } catch (error) {
    throw parseError(error, `${api} ${command}`);
  }
  if (values.help) {
    io.out(commandHelp(spec));
    return 0;
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!(seconds > 0 && seconds <= 3600)) {
      throw new UsageError(
        `--timeout must be a number of seconds from 0 to 3600, got "${
          String(values.timeout).slice(0, 40)
        }"`,
      );
    }
    timeoutMs = Math.round(seconds * 1000);
  }
  const cache = new TokenCache({
    enabled: !values["no-cache"],
    ...(io.cacheDir ? { dir: io.cacheDir } : {}),
    onWarning: (message) => io.err(`warning: ${message}`),
  });
  return await spec.run({
    io,
    values,
    cache,
    http: timeoutMs === undefined ? {} : { timeoutMs },
    loggedIn: false,
  });
}

/**
 * Runs the CLI with the given arguments and returns its exit code. Errors
 * become one line on standard error starting `error:`; nothing throws.
 *
 * @param args The arguments, e.g. `["cleura", "regions", "--json"]`.
 * @param io Where to read and write; by default the process's own.
 * @returns 0 on success, 1 on an API, authentication or network failure, 2 on
 * a usage or configuration error.
 *
 * @example
 * ```ts ignore
 * import { main } from "@cloudgate/toolkit/cli";
 *
 * Deno.exit(await main(Deno.args));
 * ```
 */
export async function main(args: string[], io?: CliIo): Promise<number> {
  const debug = args.includes("--debug");
  let resolved: CliIo | undefined;
  try {
    resolved = cleanIo(io ?? processIo());
    return await run(args, resolved);
  } catch (error) {
    const write = resolved?.err ??
      ((line: string) => console.error(cleanText(line)));
    if (error instanceof CloudgateError) {
      write(`error: ${error.message}`);
      return error instanceof ConfigError ? 2 : 1;
    }
    write(
      `error: unexpected ${error instanceof Error ? error.name : "failure"}${
        debug ? "" : " (run with --debug for details)"
      }`,
    );
    if (debug && error instanceof Error && error.stack) write(error.stack);
    return 1;
  }
}

/**
 * The one place every line the CLI writes passes: names, messages and
 * values from an API (or anything else) reach the terminal without escape
 * sequences, control characters other than newline and tab, or
 * bidirectional overrides.
 */
function cleanIo(io: CliIo): CliIo {
  return {
    out: (line) => io.out(cleanText(line)),
    err: (line) => io.err(cleanText(line)),
    readLine: () => io.readLine(),
    readSecret: (prompt) => io.readSecret(cleanText(prompt)),
    isTerminal: io.isTerminal,
    env: io.env,
    ...(io.cacheDir === undefined ? {} : { cacheDir: io.cacheDir }),
  };
}

const encoder = new TextEncoder();

/**
 * Reads stdin line by line. The stream is opened on the first call only: an
 * open pipe would consume the bytes a hidden prompt reads from the terminal.
 */
function lineReader(): () => Promise<string | undefined> {
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let buffer = "";
  let done = false;
  return async () => {
    for (;;) {
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        return line;
      }
      if (done) {
        const rest = buffer;
        buffer = "";
        return rest === "" ? undefined : rest;
      }
      reader ??= Deno.stdin.readable.pipeThrough(new TextDecoderStream())
        .getReader();
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += chunk.value;
    }
  };
}

async function readHidden(prompt: string): Promise<string | undefined> {
  const bytes: number[] = [];
  const buffer = new Uint8Array(1);
  // Raw mode first: a key typed just after the prompt shows must not echo.
  Deno.stdin.setRaw(true);
  try {
    Deno.stderr.writeSync(encoder.encode(prompt));
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      const byte = buffer[0];
      if (n === null || byte === undefined || byte === 4) {
        return bytes.length
          ? new TextDecoder().decode(new Uint8Array(bytes))
          : undefined;
      }
      if (byte === 3) return undefined;
      if (byte === 13 || byte === 10) break;
      if (byte === 127 || byte === 8) bytes.pop();
      else bytes.push(byte);
    }
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(encoder.encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function processIo(): CliIo {
  const readLine = lineReader();
  return {
    out: (line) => Deno.stdout.writeSync(encoder.encode(`${line}\n`)),
    err: (line) => Deno.stderr.writeSync(encoder.encode(`${line}\n`)),
    readLine,
    readSecret: readHidden,
    isTerminal: Deno.stdin.isTerminal(),
    env: readEnv(),
  };
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
