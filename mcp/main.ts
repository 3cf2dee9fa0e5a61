/**
 * The MCP server run as a program: stdio by default, `--http` for Streamable
 * HTTP, `--help`.
 *
 * @module
 */

import { optionalEnv, readEnv } from "../lib/env.ts";
import { DIR_NAMES, readDirEnv, tokenFileDirs } from "../lib/dirs.ts";
import { loadCleuraProfile } from "../lib/cleura/resolve.ts";
import type { ChosenProfile } from "../lib/cleura/settings.ts";
import { CloudgateError, ConfigError } from "../lib/errors.ts";
import { parseFlags } from "../lib/flags.ts";
import { VERSION } from "../lib/version.ts";
import type { TokenCache } from "../lib/token_cache.ts";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { EnvSource } from "../lib/env.ts";
import { createToolContext } from "./context.ts";
import { createMcpServer } from "./create_server.ts";
import { parseStateKey } from "./state.ts";
import { DenoStdioTransport } from "./stdio.ts";
import {
  parseToolsets,
  selectTools,
  type ToolSelection,
  TOOLSET_DESCRIPTIONS,
} from "./toolsets.ts";
import { TOOLS } from "./tools/mod.ts";

/** What the server runs with. */
interface StdioSetup {
  /** The environment. */
  env: EnvSource;
  /** The chosen profile of Cleura's CLI config, under the environment. */
  profile: ChosenProfile | undefined;
  /** The `requestState` key, when shared. */
  key: Uint8Array | undefined;
  /** The tools it lists. */
  selection: ToolSelection;
  /** Makes the token cache shared with the CLI, when a tool first needs it. */
  cache?: () => Promise<TokenCache>;
}

const HELP = `cloudgate MCP server

Usage: cloudgate-mcp [--toolsets LIST] [--writes] [--profile NAME]
                     [--http [--port 8787] [--host 127.0.0.1]]

  (no flags)       Serve MCP over stdio (for Claude Desktop, Claude Code, VS Code, Cursor)
  --toolsets LIST  The tools to list, comma-separated (default all):
${
  Object.entries(TOOLSET_DESCRIPTIONS).map(([name, line]) =>
    `                     ${name.padEnd(9)}${line}`
  ).join("\n")
}
  --writes         Also list the tools that change something (cleura_hibernate_shoot,
                   cleura_wake_shoot); each asks the user to confirm first
  --profile NAME   Use this profile of Cleura's CLI config (default CLEURA_PROFILE,
                   then the file's current profile); the environment wins over it
  --http           Serve Streamable HTTP at http://HOST:PORT/mcp
  --port N         HTTP port (default 8787)
  --host ADDR      HTTP address (default 127.0.0.1); beyond loopback, CLOUDGATE_MCP_TOKEN
                   must be set

Over HTTP every request must carry Authorization: Bearer <token>: the token is
CLOUDGATE_MCP_TOKEN, or else a random one made at start, printed once on stderr
and written with the URL to a file only you can read
($XDG_RUNTIME_DIR/cloudgate/ or ~/.config/cloudgate/, mcp-http-PORT.json).
  -V, --version  Print the version
  -h, --help     Show this help

Both MCP protocol eras are served: 2026-07-28 (stateless) and 2025-11-25 and
earlier (initialize). When a Cleura login needs the SMS code, the user types it
on a one-time local page: the client shows its link (URL-mode elicitation), or,
when the client cannot elicit at all, the tool's error gives it; a client with
form elicitation only is asked in a form.

Credentials come from the environment: CLEURA_API_USERNAME, CLEURA_API_PASSWORD or
CLEURA_API_TOKEN, CLEURA_API_URL or CLEURA_CLOUD, CLEURA_REGION and CLEURA_PROJECT_ID
(the clusters' defaults); or a profile of Cleura's CLI config ($CLEURA_CONFIG, else
~/.config/cleura/config.yaml). ITOPIA_API_KEY, ITOPIA_ORGANIZATION_ID,
ITOPIA_DEPLOYMENT_ID, or ITOPIA_USERNAME and ITOPIA_PASSWORD.
CLOUDGATE_STATE_KEY (32 bytes, base64 or hex) lets several server instances
accept each other's pending SMS questions.

Tokens (never passwords) are cached where the CLI caches them
($XDG_CACHE_HOME/cloudgate, else ~/.cache/cloudgate), so a login of either serves
both. One process at a time logs in to an account: the others wait for it (a log
line names its pid) and use the token it stored.`;

/** The variables the server reads, from the process. */
function processEnv(): EnvSource {
  const env = {
    ...readEnv(),
    ...readDirEnv(["XDG_RUNTIME_DIR", ...DIR_NAMES]),
  };
  for (const name of ["CLOUDGATE_STATE_KEY", "CLOUDGATE_MCP_TOKEN"]) {
    const value = optionalEnv(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * The CLI's token cache (the same folder, files and checks), so that a login
 * of either serves both; each distinct warning goes to stderr once. Loaded
 * when a tool first needs it.
 */
async function sharedCache(env: EnvSource): Promise<TokenCache> {
  const { TokenCache } = await import("../lib/token_cache.ts");
  const warned = new Set<string>();
  return new TokenCache({
    env,
    onWarning: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      console.error(`warning: ${message}`);
    },
  });
}

/** The toolsets of `--toolsets a,b`. */
function toolsetsOf(raw: string | undefined) {
  try {
    return parseToolsets(raw);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** Reads the environment, the profile and the state key. */
async function setUp(flags: {
  toolsets?: string | undefined;
  writes?: boolean | undefined;
  profile?: string | undefined;
}, given: EnvSource | undefined): Promise<StdioSetup> {
  const toolsets = toolsetsOf(flags.toolsets);
  const env = given ?? processEnv();
  const profile = await loadCleuraProfile(env, {
    onWarning: (message) => console.error(`warning: ${message}`),
    profile: flags.profile,
  });
  const key = env.CLOUDGATE_STATE_KEY;
  return {
    env,
    profile,
    key: key === undefined ? undefined : parseStateKey(key),
    cache: () => sharedCache(env),
    selection: {
      ...(toolsets ? { toolsets } : {}),
      allowWrite: flags.writes === true,
    },
  };
}

/**
 * Serves MCP over the process's stdin and stdout with the SDK, both eras;
 * 0 once stdin ends.
 */
async function runStdio(setup: StdioSetup): Promise<number> {
  const ctx = createToolContext({
    env: setup.env,
    profile: setup.profile,
    ...(setup.key ? { stateKey: setup.key } : {}),
    ...(setup.cache ? { cache: setup.cache } : {}),
  });
  const tools = selectTools(TOOLS, setup.selection);
  const transport = new DenoStdioTransport(Deno.stdin.readable, Deno.stdout);
  const handle = serveStdio(() => createMcpServer(ctx, tools), {
    transport,
    onerror: () => {},
  });
  await transport.closed;
  await handle.close();
  await ctx.pages.closeAll();
  return 0;
}

/** Options of {@linkcode main}. */
export interface MainOptions {
  /**
   * The variables the server reads (`CLEURA_*`, `ITOPIA_*`, `CLOUDGATE_*`
   * and the folders: `HOME`, `XDG_*`, `APPDATA`, `LOCALAPPDATA`); by
   * default, the process's.
   */
  env?: Partial<Record<string, string>>;
}

/**
 * Runs the server as a program: stdio by default, HTTP with `--http`.
 *
 * @param args The arguments.
 * @param options The environment, when not the process's.
 * @returns The exit code once the server stops (2 for a usage error).
 */
export async function main(
  args: string[],
  options: MainOptions = {},
): Promise<number> {
  let values;
  try {
    values = parseFlags(args, {
      http: { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "V" },
      toolsets: { type: "string" },
      writes: { type: "boolean" },
      "allow-write": { type: "boolean" },
      profile: { type: "string" },
    }, { allowPositionals: false, subject: "the server" }).values;
  } catch (error) {
    if (!(error instanceof CloudgateError)) throw error;
    console.error(`error: ${error.message} (see --help)`);
    return 2;
  }
  if (values["allow-write"]) {
    // Deno's own flag: before the script Deno takes it and the server never
    // sees it, so the old name could silently hide the write tools.
    console.error(
      "error: --allow-write is Deno's permission flag, not the server's: use --writes to list the tools that change something (see --help)",
    );
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.version) {
    console.log(`cloudgate MCP server ${VERSION}`);
    return 0;
  }
  let setup: StdioSetup;
  try {
    setup = await setUp(values, options.env);
  } catch (error) {
    if (!(error instanceof CloudgateError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  if (!values.http) return await runStdio(setup);
  const { env, profile, key, cache } = setup;
  try {
    const port = values.port === undefined ? 8787 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(
        `error: --port must be a port number, got "${values.port}"`,
      );
      return 2;
    }
    const token = env.CLOUDGATE_MCP_TOKEN;
    const [{ stopSignal, writeTokenFile }, { serveHttp }] = await Promise.all([
      import("./token_file.ts"),
      import("./http.ts"),
    ]);
    const tools = selectTools(TOOLS, setup.selection);
    const http = await serveHttp({
      port,
      ...(values.host ? { hostname: values.host } : {}),
      ...(token ? { token } : {}),
      context: (pages) =>
        createToolContext({
          env,
          profile,
          pages,
          ...(key ? { stateKey: key } : {}),
          ...(cache ? { cache } : {}),
        }),
      createServer: (ctx) => createMcpServer(ctx, tools),
    });
    // Listening before anything is printed: a signal sent as soon as the
    // banner or the token file appears still removes the file.
    const stopped = stopSignal();
    const here = new URL(http.url).host;
    console.error(
      http.bound === here
        ? `cloudgate MCP server listening on ${http.url}/mcp`
        : `cloudgate MCP server listening on ${http.bound} (every address of this machine); on this machine: ${http.url}/mcp`,
    );
    let file: string | undefined;
    if (!token && http.token) {
      console.error(`bearer token (made at start): ${http.token}`);
      file = await writeTokenFile(
        tokenFileDirs(env),
        http.url,
        http.token,
      );
      console.error(
        file
          ? `URL and token written to ${file} (mode 0600)`
          : "warning: cannot write the URL and token to a file (no permission); use the token above",
      );
    }
    await stopped;
    await http.close();
    if (file) await Deno.remove(file).catch(() => {});
    return 0;
  } catch (error) {
    if (error instanceof CloudgateError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
