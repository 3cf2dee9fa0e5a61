/**
 * The Cleura tools, each declared once as a value, and their list. The tools of
 * one API share a file (rather than one file each); what they do is in
 * `cleura_run.ts`, loaded on the first call. Every file a new API call
 * touches is listed in docs/adding-an-api-call.md.
 *
 * @module
 */

import { z } from "zod";
import {
  cleuraDomainSchema,
  cleuraRegionSchema,
} from "../../lib/cleura/domains.ts";
import { cleuraUserSchema } from "../../lib/cleura/identity.ts";
import { cleuraProjectRowSchema } from "../../lib/cleura/projects.ts";
import { defineTool, lazyRun, type ToolDefinition } from "../tool.ts";

const run = () => import("./cleura_run.ts");

/** `cleura_list_regions`: the regions the account can use. */
export const cleuraListRegions = defineTool({
  name: "cleura_list_regions",
  toolset: "cleura",
  title: "List Cleura regions",
  description:
    "The Cleura regions the account can use, one row per region: code (e.g. Sto2), status, area (e.g. Sweden / Stockholm, SE_STO2) and domainId.",
  input: z.object({
    status: z.string().min(1).max(40).optional().describe(
      "Only this status, e.g. active",
    ),
  }),
  output: z.object({ regions: z.array(cleuraRegionSchema) }),
  run: lazyRun(run, "regions"),
});

/** `cleura_list_domains`: the account's domains as the API returns them. */
export const cleuraListDomains = defineTool({
  name: "cleura_list_domains",
  toolset: "cleura",
  title: "List Cleura domains",
  description:
    "The account's Cleura domains as the API returns them (id, name, status, enabled, area with its regions). For a flat list of regions prefer cleura_list_regions.",
  input: z.object({}),
  output: z.object({ domains: z.array(cleuraDomainSchema) }),
  run: lazyRun(run, "domains"),
});

/** `cleura_list_projects`: the OpenStack projects of every domain, or one. */
export const cleuraListProjects = defineTool({
  name: "cleura_list_projects",
  toolset: "cleura",
  title: "List Cleura projects",
  description:
    "The account's OpenStack projects (id, name, default, enabled, description) with their domain (domainId, domainName) and regions; all domains unless domainId is given. The project id is what the cluster tools take.",
  input: z.object({
    domainId: z.string().trim().min(1).max(128).regex(
      /^[\w-]+$/,
      "must be a domain id such as 79b0cef45b504586ad0bf057dc4cb8b8",
    ).optional().describe("Only this domain (id from cleura_list_regions)"),
  }),
  output: z.object({ projects: z.array(cleuraProjectRowSchema) }),
  run: lazyRun(run, "projects"),
});

/** `cleura_token_status`: whether the server holds a valid Cleura token. */
export const cleuraTokenStatus = defineTool({
  name: "cleura_token_status",
  toolset: "cleura",
  title: "Check the Cleura login",
  description:
    "Whether the server holds a valid Cleura token, and whose (v2 only; asks the API, never logs in, never returns the token). Use it to check the setup or explain an auth failure.",
  input: z.object({}),
  output: z.object({
    login: z.string(),
    apiUrl: z.string(),
    valid: z.boolean(),
    user: cleuraUserSchema.nullable(),
  }),
  run: lazyRun(run, "tokenStatus"),
});

/** Every Cleura tool, in the order `tools/list` shows them. */
export const CLEURA_TOOLS: readonly ToolDefinition[] = [
  cleuraListRegions,
  cleuraListDomains,
  cleuraListProjects,
  cleuraTokenStatus,
];
