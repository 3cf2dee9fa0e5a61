/**
 * Every cloudgate tool, in the order `tools/list` shows them. The server
 * registers this list, the README's tool table is generated from it, and the
 * tests take their expectations from it.
 *
 * @module
 */

import type { ToolDefinition } from "../tool.ts";
import { cleuraListDomains } from "./cleura_list_domains.ts";
import { cleuraListProjects } from "./cleura_list_projects.ts";
import { cleuraListRegions } from "./cleura_list_regions.ts";
import { cleuraTokenStatus } from "./cleura_token_status.ts";
import { itopiaListInstances } from "./itopia_list_instances.ts";
import { itopiaMintJwt } from "./itopia_mint_jwt.ts";

/** Every tool. */
export const TOOLS: readonly ToolDefinition[] = [
  cleuraListRegions,
  cleuraListDomains,
  cleuraListProjects,
  cleuraTokenStatus,
  itopiaMintJwt,
  itopiaListInstances,
] as unknown as readonly ToolDefinition[];
