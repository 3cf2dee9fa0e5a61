/**
 * The MCP server run with arguments: `--help`, `--http`, `--port`, `--host`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { CloudgateError, readEnv } from "../mod.ts";
import { createToolContext } from "./context.ts";
import { createMcpServer } from "./create_server.ts";
import { serveHttp } from "./http.ts";
import { runStdio } from "./runtime.ts";
import { EarlyStdioTransport } from "./stdio.ts";

const HELP = `cloudgate MCP server

Usage: server.ts [--http [--port 8787] [--host 127.0.0.1]]

  (no flags)     Serve MCP over stdio (for Claude Desktop, Claude Code, VS Code, Cursor)
  --http         Serve Streamable HTTP at http://HOST:PORT/mcp
  --port N       HTTP port (default 8787)
  --host ADDR    HTTP address (default 127.0.0.1); beyond loopback, CLOUDGATE_MCP_TOKEN
                 must be set and clients must send it as a bearer token
  -h, --help     Show this help

Credentials come from the environment: CLEURA_API_USERNAME, CLEURA_API_PASSWORD or
CLEURA_API_TOKEN, CLEURA_API_URL or CLEURA_CLOUD; ITOPIA_API_KEY, ITOPIA_ORGANIZATION_ID,
ITOPIA_DEPLOYMENT_ID, or ITOPIA_USERNAME and ITOPIA_PASSWORD.`;

/**
 * Runs the server as a program: stdio by default, HTTP with `--http`.
 *
 * @param args The arguments.
 * @returns The exit code once the server stops (2 for a usage error).
 */
export async function runWithArgs(args: string[]): Promise<number> {
  let values: { http?: boolean; port?: string; host?: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      options: {
        http: { type: "boolean" },
        port: { type: "string" },
        host: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(
      `error: ${
        error instanceof Error
          ? error.message.split(".")[0]
          : "invalid arguments"
      } (see --help)`,
    );
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  try {
    if (!values.http) {
      return await runStdio(
        new EarlyStdioTransport(Deno.stdin.readable, Deno.stdout),
      );
    }
    const env = readEnv();
    const port = values.port === undefined ? 8787 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(
        `error: --port must be a port number, got "${values.port}"`,
      );
      return 2;
    }
    let token: string | undefined;
    try {
      token = Deno.env.get("CLOUDGATE_MCP_TOKEN") || undefined;
    } catch {
      token = undefined;
    }
    const http = await serveHttp({
      port,
      ...(values.host ? { hostname: values.host } : {}),
      ...(token ? { token } : {}),
      context: (codePages) => createToolContext({ env, codePages }),
      createServer: createMcpServer,
    });
    console.error(`cloudgate MCP server listening on ${http.url}/mcp`);
    await new Promise<void>((resolve) => {
      Deno.addSignalListener("SIGINT", resolve);
      Deno.addSignalListener("SIGTERM", resolve);
    });
    await http.close();
    return 0;
  } catch (error) {
    if (error instanceof CloudgateError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
