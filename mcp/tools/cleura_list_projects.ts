/**
 * The `cleura_list_projects` tool.
 *
 * @module
 */

import { z } from "zod";
import { cleuraProjectSchema, listProjects } from "../../lib/cleura/api.ts";
import { withCleura } from "../cleura_login.ts";
import { defineTool } from "../tool.ts";

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
