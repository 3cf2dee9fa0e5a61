/**
 * The MCP server run as a program: stdio by default, `--http` for Streamable
 * HTTP, `--help`.
 *
 * @module
 */

import { configHomes, optionalEnv, readEnv } from "../lib/config.ts";
import { loadProfileEnv } from "../lib/cleura/profile_env.ts";
import { CloudgateError, ConfigError } from "../lib/errors.ts";
import { parseFlags } from "../lib/flags.ts";
import { TokenCache } from "../lib/token_cache.ts";
import { FastStart } from "./fast_start.ts";
import { parseStateKey } from "./state.ts";
import { DenoStdioTransport } from "./stdio.ts";
import type { StdioSetup } from "./stdio_server.ts";
import { parseToolsets } from "./toolsets.ts";

const HELP = `cloudgate MCP server

Usage: server.ts [--toolsets LIST] [--allow-write] [--profile NAME]
                 [--http [--port 8787] [--host 127.0.0.1]]

  (no flags)       Serve MCP over stdio (for Claude Desktop, Claude Code, VS Code, Cursor)
  --toolsets LIST  The tools to list, comma-separated: cleura, itopia, gardener
                   (Kubernetes clusters); default all
  --allow-write    Also list the tools that change something (cleura_hibernate_shoot,
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

function stateKey(): Uint8Array | undefined {
  const text = optionalEnv("CLOUDGATE_STATE_KEY");
  return text === undefined ? undefined : parseStateKey(text);
}

/** The folders the token file may go in, most private first. */
function tokenDirs(): string[] {
  const dirs: string[] = [];
  const runtime = optionalEnv("XDG_RUNTIME_DIR");
  if (runtime) dirs.push(`${runtime}/cloudgate`);
  const config = optionalEnv("XDG_CONFIG_HOME");
  const home = optionalEnv("HOME");
  const appData = optionalEnv("APPDATA");
  if (config) dirs.push(`${config}/cloudgate`);
  else if (home) dirs.push(`${home}/.config/cloudgate`);
  if (appData) dirs.push(`${appData}\\cloudgate`);
  return dirs;
}

/**
 * The CLI's token cache (the same folder, files and checks), so that a login
 * of either serves both; each distinct warning goes to stderr once.
 */
function sharedCache(): TokenCache {
  const warned = new Set<string>();
  return new TokenCache({
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
  "allow-write"?: boolean | undefined;
  profile?: string | undefined;
}): Promise<StdioSetup> {
  const toolsets = toolsetsOf(flags.toolsets);
  const { env } = await loadProfileEnv(
    { ...readEnv(), ...configHomes() },
    flags.profile === undefined ? {} : { profile: flags.profile },
  );
  return {
    env,
    key: stateKey(),
    cache: sharedCache(),
    selection: {
      ...(toolsets ? { toolsets } : {}),
      allowWrite: flags["allow-write"] === true,
    },
  };
}

/**
 * Serves MCP over a stdio transport, both eras, until its input ends. The
 * opening is answered by the fast start; the SDK server and the tools load
 * with the first message it leaves to them.
 *
 * @param transport Standard input and output (not yet started).
 * @param setup The environment, state key and tool selection.
 * @returns Once the input has ended and the server has stopped.
 */
export async function serveStdioFast(
  transport: DenoStdioTransport,
  setup: StdioSetup,
): Promise<void> {
  let server: { close(): Promise<void> } | undefined;
  const front = new FastStart(transport, setup.selection, async () => {
    const { attachStdio } = await import("./stdio_server.ts");
    return () => {
      server = attachStdio(transport, setup);
    };
  });
  await transport.start();
  await transport.closed;
  if (front.loading) await front.settled().catch(() => {});
  await server?.close();
}

/** Serves MCP over the process's stdin and stdout; 0 once stdin ends. */
async function runStdio(setup: StdioSetup): Promise<number> {
  await serveStdioFast(
    new DenoStdioTransport(Deno.stdin.readable, Deno.stdout),
    setup,
  );
  return 0;
}

/**
 * Runs the server as a program: stdio by default, HTTP with `--http`.
 *
 * @param args The arguments.
 * @returns The exit code once the server stops (2 for a usage error).
 */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseFlags(args, {
      http: { type: "boolean" },
      port: { type: "string" },
      host: { type: "string" },
      help: { type: "boolean", short: "h" },
      toolsets: { type: "string" },
      "allow-write": { type: "boolean" },
      profile: { type: "string" },
    }, { allowPositionals: false, subject: "the server" }).values;
  } catch (error) {
    if (!(error instanceof CloudgateError)) throw error;
    console.error(`error: ${error.message} (see --help)`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let setup: StdioSetup;
  try {
    setup = await setUp(values);
  } catch (error) {
    if (!(error instanceof CloudgateError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  if (!values.http) return await runStdio(setup);
  const { env, key, cache } = setup;
  try {
    const port = values.port === undefined ? 8787 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(
        `error: --port must be a port number, got "${values.port}"`,
      );
      return 2;
    }
    const token = optionalEnv("CLOUDGATE_MCP_TOKEN");
    const [
      { stopSignal, writeTokenFile },
      { serveHttp },
      {
        createToolContext,
      },
      { createMcpServer },
      {
        TOOLS,
      },
      { selectTools },
    ] = await Promise.all([
      import("./token_file.ts"),
      import("./http.ts"),
      import("./context.ts"),
      import("./create_server.ts"),
      import("./tools/mod.ts"),
      import("./toolsets.ts"),
    ]);
    const tools = selectTools(TOOLS, setup.selection);
    const http = await serveHttp({
      port,
      ...(values.host ? { hostname: values.host } : {}),
      ...(token ? { token } : {}),
      context: (pages) =>
        createToolContext({
          env,
          pages,
          ...(key ? { stateKey: key } : {}),
          ...(cache ? { cache } : {}),
        }),
      createServer: (ctx) => createMcpServer(ctx, tools),
    });
    const here = new URL(http.url).host;
    console.error(
      http.bound === here
        ? `cloudgate MCP server listening on ${http.url}/mcp`
        : `cloudgate MCP server listening on ${http.bound} (every address of this machine); on this machine: ${http.url}/mcp`,
    );
    let file: string | undefined;
    if (!token && http.token) {
      console.error(`bearer token (made at start): ${http.token}`);
      file = await writeTokenFile(tokenDirs(), http.url, http.token);
      console.error(
        file
          ? `URL and token written to ${file} (mode 0600)`
          : "warning: cannot write the URL and token to a file (no permission); use the token above",
      );
    }
    await stopSignal();
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
