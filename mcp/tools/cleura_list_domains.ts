/**
 * The `cleura_list_domains` tool.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { listDomains } from "../../mod.ts";
import type { ToolContext } from "../context.ts";
import { withCleura } from "./common.ts";

const domainShape = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  enabled: z.boolean(),
  area: z.looseObject({
    id: z.string(),
    name: z.string(),
    tag: z.string(),
    regions: z.array(z.looseObject({
      zone_id: z.string(),
      name: z.string(),
      status: z.string(),
      region: z.string(),
    })),
  }),
});

/**
 * Registers `cleura_list_domains`.
 *
 * @param server The server.
 * @param ctx The shared state.
 */
export function registerCleuraListDomains(
  server: McpServer,
  ctx: ToolContext,
): void {
  server.registerTool(
    "cleura_list_domains",
    {
      title: "List Cleura domains",
      description:
        "List the Cleura Cloud domains of the configured account as the API returns them: id, name, status, enabled, and the area with its regions. " +
        "Prefer cleura_list_regions for a flat list of regions; use this for the raw domain records. " +
        "Needs CLEURA_API_USERNAME and CLEURA_API_PASSWORD (or CLEURA_API_TOKEN) in the server's environment; SMS two-factor is asked for once.",
      inputSchema: {},
      outputSchema: { domains: z.array(domainShape) },
      annotations: {
        readOnlyHint: true,
        openWorldHint: true,
        idempotentHint: true,
      },
    },
    (_args, extra) =>
      withCleura(server, ctx, extra, async (session, options) => ({
        domains: await listDomains(session, options),
      })),
  );
}
