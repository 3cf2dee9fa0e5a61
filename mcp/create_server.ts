/**
 * The server factory: one MCP server with every cloudgate tool.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "./context.ts";
import { INSTRUCTIONS, SERVER_INFO } from "./protocol.ts";
import { registerCleuraListDomains } from "./tools/cleura_list_domains.ts";
import { registerCleuraListProjects } from "./tools/cleura_list_projects.ts";
import { registerCleuraListRegions } from "./tools/cleura_list_regions.ts";
import { registerCleuraTokenStatus } from "./tools/cleura_token_status.ts";
import { registerItopiaListInstances } from "./tools/itopia_list_instances.ts";
import { registerItopiaMintJwt } from "./tools/itopia_mint_jwt.ts";

/**
 * Creates an MCP server with every cloudgate tool, sharing the given state.
 *
 * @param ctx The shared state (one per process, so one Cleura login).
 * @returns The server, not yet connected.
 */
export function createMcpServer(ctx: ToolContext): McpServer {
  const server = new McpServer({ ...SERVER_INFO }, {
    capabilities: { logging: {} },
    instructions: INSTRUCTIONS,
  });
  registerCleuraListRegions(server, ctx);
  registerCleuraListDomains(server, ctx);
  registerCleuraListProjects(server, ctx);
  registerCleuraTokenStatus(server, ctx);
  registerItopiaMintJwt(server, ctx);
  registerItopiaListInstances(server, ctx);
  return server;
}
