/**
 * Every cloudgate tool, in the order `tools/list` shows them. The server
 * registers this list, the README's tool table is generated from it, and the
 * tests take their expectations from it.
 *
 * @module
 */

import type { ToolDefinition } from "../tool.ts";
import { CLEURA_TOOLS } from "./cleura.ts";
import { GARDENER_TOOLS } from "./gardener.ts";
import { ITOPIA_TOOLS } from "./itopia.ts";

/** Every tool, those behind `--allow-write` too. */
export const TOOLS: readonly ToolDefinition[] = [
  ...CLEURA_TOOLS,
  ...GARDENER_TOOLS,
  ...ITOPIA_TOOLS,
];
