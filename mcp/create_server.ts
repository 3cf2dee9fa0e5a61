/**
 * The server factory: one MCP server with the chosen cloudgate tools, whose
 * `requestState` is opened by the process's sealed-state codec.
 *
 * @module
 */

import { McpServer } from "@modelcontextprotocol/server";
import type { ToolContext } from "./context.ts";
import { INSTRUCTIONS, SERVER_INFO } from "./protocol.ts";
import { registerTools, type ToolDefinition } from "./tool.ts";
import { TOOLS } from "./tools/mod.ts";

/**
 * Creates an MCP server with the given tools, sharing the given state.
 *
 * @param ctx The shared state (one per process, so one Cleura login).
 * @param tools The tools to serve (default: every tool).
 * @returns The server, not yet connected.
 */
export function createMcpServer(
  ctx: ToolContext,
  tools: readonly ToolDefinition[] = TOOLS,
): McpServer {
  const server = new McpServer({ ...SERVER_INFO }, {
    capabilities: { logging: {} },
    instructions: INSTRUCTIONS,
    requestState: { verify: (state: string) => ctx.state.open(state) },
  });
  registerTools(server, tools, ctx);
  return server;
}
