/**
 * Every cloudgate tool, in the order `tools/list` shows them. The server
 * registers this list, the README's tool table is generated from it, and the
 * tests take their expectations from it. What `tools/list` shows of their
 * schemas is in `listing.json`, written by `deno task readme`.
 *
 * @module
 */

import type { ToolDefinition } from "../tool.ts";
import { withStoredListing } from "../tool_schema.ts";
import { CLEURA_TOOLS } from "./cleura.ts";
import { GARDENER_TOOLS } from "./gardener.ts";
import { ITOPIA_TOOLS } from "./itopia.ts";
import LISTING from "./listing.json" with { type: "json" };

/** Every tool, those behind `--writes` too. */
export const TOOLS: readonly ToolDefinition[] = withStoredListing([
  ...CLEURA_TOOLS,
  ...GARDENER_TOOLS,
  ...ITOPIA_TOOLS,
], LISTING);
