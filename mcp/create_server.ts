/**
 * The server factory: one MCP server with every cloudgate tool.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "./context.ts";
import { registerCleuraListDomains } from "./tools/cleura_list_domains.ts";
import { registerCleuraListProjects } from "./tools/cleura_list_projects.ts";
import { registerCleuraListRegions } from "./tools/cleura_list_regions.ts";
import { registerCleuraTokenStatus } from "./tools/cleura_token_status.ts";
import { registerItopiaListInstances } from "./tools/itopia_list_instances.ts";
import { registerItopiaMintJwt } from "./tools/itopia_mint_jwt.ts";

/** The server's name and version, as it reports them in `initialize`. */
export const SERVER_INFO = { name: "cloudgate", version: "0.1.0" } as const;

const INSTRUCTIONS =
  "cloudgate reaches the Cleura Cloud REST API and the itopia CAS API with credentials from the server's environment; no tool takes a password, API key or token. " +
  "Cleura tools share one login; if the account uses SMS two-factor, the user is asked for the code once.";

/**
 * Creates an MCP server with every cloudgate tool, sharing the given state.
 *
 * @param ctx The shared state (one per process, so one Cleura login).
 * @returns The server, not yet connected.
 */
export function createMcpServer(ctx: ToolContext): McpServer {
  const server = new McpServer(SERVER_INFO, {
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
