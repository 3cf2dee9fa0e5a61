/**
 * The `cleura_list_regions` tool.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { listRegions } from "../../mod.ts";
import type { ToolContext } from "../context.ts";
import { withCleura } from "./common.ts";

/** One region row, as the tool returns it. */
export const regionShape = z.object({
  region: z.string().describe("The region's code, e.g. Sto2"),
  name: z.string(),
  status: z.string(),
  zoneId: z.string(),
  areaId: z.string(),
  areaName: z.string(),
  areaTag: z.string(),
  domainId: z.string(),
  domainName: z.string(),
  domainStatus: z.string(),
  domainEnabled: z.boolean(),
});

/**
 * Registers `cleura_list_regions`.
 *
 * @param server The server.
 * @param ctx The shared state.
 */
export function registerCleuraListRegions(
  server: McpServer,
  ctx: ToolContext,
): void {
  server.registerTool(
    "cleura_list_regions",
    {
      title: "List Cleura regions",
      description:
        "List the Cleura Cloud regions the configured account can use: one row per region with its code (e.g. Sto2), status, area (e.g. Sweden / Stockholm, tag SE_STO2) and the domain id that cleura_list_projects takes. " +
        "Use it to find where resources can live or which domain a region belongs to. Optional filter: status (e.g. active). " +
        "Needs CLEURA_API_USERNAME and CLEURA_API_PASSWORD (or CLEURA_API_TOKEN) in the server's environment; when the account has SMS two-factor the user is asked for the code once, and the login is reused by every later call.",
      inputSchema: {
        status: z.string().min(1).max(40).optional().describe(
          "Only regions with this status, e.g. active",
        ),
      },
      outputSchema: { regions: z.array(regionShape) },
      annotations: {
        readOnlyHint: true,
        openWorldHint: true,
        idempotentHint: true,
      },
    },
    ({ status }, extra) =>
      withCleura(server, ctx, extra, async (session, options) => {
        const regions = await listRegions(session, options);
        return {
          regions: status === undefined
            ? regions
            : regions.filter((r) => r.status === status),
        };
      }),
  );
}
