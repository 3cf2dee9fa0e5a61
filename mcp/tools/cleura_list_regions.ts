/**
 * The `cleura_list_regions` tool.
 *
 * @module
 */

import { z } from "zod";
import { cleuraRegionSchema, listRegions } from "../../lib/cleura/api.ts";
import { withCleura } from "../cleura_login.ts";
import { defineTool } from "../tool.ts";

/** `cleura_list_regions`: the regions the account can use. */
export const cleuraListRegions = defineTool({
  name: "cleura_list_regions",
  toolset: "cleura",
  title: "List Cleura regions",
  description:
    "List the Cleura Cloud regions the configured account can use: one row per region with its code (e.g. Sto2), status, area (e.g. Sweden / Stockholm, tag SE_STO2) and the domain id that cleura_list_projects takes. " +
    "Use it to find where resources can live or which domain a region belongs to. Optional filter: status (e.g. active). " +
    "Needs CLEURA_API_USERNAME and CLEURA_API_PASSWORD (or CLEURA_API_TOKEN) in the server's environment; when the account has SMS two-factor the user is asked for the code once, and the login is reused by every later call.",
  input: z.object({
    status: z.string().min(1).max(40).optional().describe(
      "Only regions with this status, e.g. active",
    ),
  }),
  output: z.object({ regions: z.array(cleuraRegionSchema) }),
  run: ({ status }, call) =>
    withCleura(call, async (session, options) => {
      const regions = await listRegions(session, options);
      return {
        regions: status === undefined
          ? regions
          : regions.filter((r) => r.status === status),
      };
    }),
});
