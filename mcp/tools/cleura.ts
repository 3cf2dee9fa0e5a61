/**
 * The Cleura tools, each declared once as a value, and their list. The tools of
 * one API share a file (rather than one file each) so that adding an API call
 * touches three files: the lib function with its schema, the CLI command and
 * this tool list (see the README's "Adding an API call").
 *
 * @module
 */

import { z } from "zod";
import {
  cleuraDomainSchema,
  cleuraProjectSchema,
  cleuraRegionSchema,
  listDomains,
  listProjects,
  listRegions,
} from "../../lib/cleura/api.ts";
import { httpOptionsOf } from "../../lib/http.ts";
import { withCleura } from "../cleura_login.ts";
import { defineTool, type ToolDefinition } from "../tool.ts";

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

/** `cleura_list_projects`: the OpenStack projects of one domain. */
export const cleuraListProjects = defineTool({
  name: "cleura_list_projects",
  toolset: "cleura",
  title: "List the projects of a Cleura domain",
  description:
    "List the OpenStack projects of one Cleura domain: id, name and the other fields the API returns. " +
    "Take domainId from cleura_list_regions (domainId) or cleura_list_domains (id). " +
    "Needs CLEURA_API_USERNAME and CLEURA_API_PASSWORD (or CLEURA_API_TOKEN) in the server's environment; SMS two-factor is asked for once.",
  input: z.object({
    domainId: z.string().trim().min(1).max(128).regex(
      /^[\w-]+$/,
      "must be a domain id such as 79b0cef45b504586ad0bf057dc4cb8b8",
    ).describe("The domain's id, e.g. 79b0cef45b504586ad0bf057dc4cb8b8"),
  }),
  output: z.object({
    domainId: z.string(),
    projects: z.array(cleuraProjectSchema),
  }),
  run: ({ domainId }, call) =>
    withCleura(call, async (session, options) => ({
      domainId,
      projects: await listProjects(session, { ...options, domainId }),
    })),
});

/** `cleura_token_status`: whether the server holds a valid Cleura token. */
export const cleuraTokenStatus = defineTool({
  name: "cleura_token_status",
  toolset: "cleura",
  title: "Check the Cleura login",
  description:
    "Tell whether the server currently holds a valid Cleura token for the configured account (it asks the API; it never logs in and never returns the token). " +
    "Use it to check the setup before other Cleura tools, or to explain an authentication failure.",
  input: z.object({}),
  output: z.object({
    login: z.string(),
    apiUrl: z.string(),
    valid: z.boolean(),
  }),
  run: async (_args, call) => {
    const session = call.ctx.cleura();
    return {
      login: session.login,
      apiUrl: session.apiUrl,
      valid: await session.validate(
        httpOptionsOf({ ...call.ctx.http, signal: call.signal }),
      ),
    };
  },
});

/** Every Cleura tool, in the order `tools/list` shows them. */
export const CLEURA_TOOLS: readonly ToolDefinition[] = [
  cleuraListRegions,
  cleuraListDomains,
  cleuraListProjects,
  cleuraTokenStatus,
] as unknown as readonly ToolDefinition[];
