/**
 * The part of the stdio MCP server that loads after the first answer: the
 * SDK, the tools and the library.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/types"
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { CloudgateError, readEnv } from "../mod.ts";
import { createToolContext } from "./context.ts";
import { createMcpServer } from "./create_server.ts";
import type { EarlyStdioTransport } from "./stdio.ts";

/**
 * Serves MCP over stdio on a transport that is already reading.
 *
 * @param transport The transport the entry created at start-up.
 * @returns The exit code once stdin ends: 0, or 2 for a configuration error.
 */
export async function runStdio(
  transport: EarlyStdioTransport,
): Promise<number> {
  let env;
  try {
    env = readEnv();
  } catch (error) {
    if (!(error instanceof CloudgateError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  }
  transport.useValidator((value) => JSONRPCMessageSchema.parse(value));
  const ctx = createToolContext({ env });
  const server = createMcpServer(ctx);
  ctx.attach(server);
  const closed = Promise.withResolvers<void>();
  await server.connect(transport);
  const onclose = server.server.onclose;
  server.server.onclose = () => {
    onclose?.();
    closed.resolve();
  };
  await closed.promise;
  return 0;
}
