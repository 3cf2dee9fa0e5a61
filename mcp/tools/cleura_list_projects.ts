/**
 * The `cleura_list_projects` tool.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { listProjects } from "../../mod.ts";
import type { ToolContext } from "../context.ts";
import { withCleura } from "./common.ts";

/**
 * Registers `cleura_list_projects`.
 *
 * @param server The server.
 * @param ctx The shared state.
 */
export function registerCleuraListProjects(
  server: McpServer,
  ctx: ToolContext,
): void {
  server.registerTool(
    "cleura_list_projects",
    {
      title: "List the projects of a Cleura domain",
      description:
        "List the OpenStack projects of one Cleura domain: id, name and the other fields the API returns. " +
        "Take domainId from cleura_list_regions (domainId) or cleura_list_domains (id). " +
        "Needs CLEURA_API_USERNAME and CLEURA_API_PASSWORD (or CLEURA_API_TOKEN) in the server's environment; SMS two-factor is asked for once.",
      inputSchema: {
        domainId: z.string().trim().min(1).max(128).regex(
          /^[\w-]+$/,
          "must be a domain id such as 79b0cef45b504586ad0bf057dc4cb8b8",
        )
          .describe("The domain's id, e.g. 79b0cef45b504586ad0bf057dc4cb8b8"),
      },
      outputSchema: {
        domainId: z.string(),
        projects: z.array(z.looseObject({ id: z.string(), name: z.string() })),
      },
      annotations: {
        readOnlyHint: true,
        openWorldHint: true,
        idempotentHint: true,
      },
    },
    ({ domainId }, extra) =>
      withCleura(server, ctx, extra, async (session, options) => ({
        domainId,
        projects: await listProjects(session, { ...options, domainId }),
      })),
  );
}
