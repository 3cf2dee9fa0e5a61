/**
 * The `cleura_list_domains` tool.
 *
 * @module
 */

import { z } from "zod";
import { cleuraDomainSchema, listDomains } from "../../lib/cleura/api.ts";
import { withCleura } from "../cleura_login.ts";
import { defineTool } from "../tool.ts";

/** `cleura_list_domains`: the account's domains as the API returns them. */
export const cleuraListDomains = defineTool({
  name: "cleura_list_domains",
  toolset: "cleura",
  title: "List Cleura domains",
  description:
    "List the Cleura Cloud domains of the configured account as the API returns them: id, name, status, enabled, and the area with its regions. " +
    "Prefer cleura_list_regions for a flat list of regions; use this for the raw domain records. " +
    "Needs CLEURA_API_USERNAME and CLEURA_API_PASSWORD (or CLEURA_API_TOKEN) in the server's environment; SMS two-factor is asked for once.",
  input: z.object({}),
  output: z.object({ domains: z.array(cleuraDomainSchema) }),
  run: (_args, call) =>
    withCleura(call, async (session, options) => ({
      domains: await listDomains(session, options),
    })),
});
