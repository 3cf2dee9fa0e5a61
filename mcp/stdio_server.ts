/**
 * The SDK side of the stdio server: the SDK's `serveStdio` with the cloudgate
 * tools. The fast start (`fast_start.ts`) loads this module with the first
 * message it does not answer itself.
 *
 * @module
 */

import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { EnvSource } from "../lib/config.ts";
import type { TokenCache } from "../lib/token_cache.ts";
import { createToolContext } from "./context.ts";
import { createMcpServer } from "./create_server.ts";
import type { DenoStdioTransport } from "./stdio.ts";
import { selectTools, type ToolSelection } from "./toolsets.ts";
import { TOOLS } from "./tools/mod.ts";

/** What the stdio server runs with. */
export interface StdioSetup {
  /** The environment, over the chosen profile of Cleura's CLI config. */
  env: EnvSource;
  /** The `requestState` key, when shared. */
  key: Uint8Array | undefined;
  /** The tools it lists. */
  selection: ToolSelection;
  /** The token cache shared with the CLI, if any. */
  cache?: TokenCache;
}

/**
 * Serves the cloudgate tools over `transport` (which may already be started)
 * with the SDK, both eras.
 *
 * @param transport Standard input and output.
 * @param setup The environment, state key and tool selection.
 * @returns A handle that stops the server and closes its pages.
 */
export function attachStdio(
  transport: DenoStdioTransport,
  setup: StdioSetup,
): { close(): Promise<void> } {
  const ctx = createToolContext({
    env: setup.env,
    ...(setup.key ? { stateKey: setup.key } : {}),
    ...(setup.cache ? { cache: setup.cache } : {}),
  });
  const tools = selectTools(TOOLS, setup.selection);
  const handle = serveStdio(() => createMcpServer(ctx, tools), {
    transport,
    onerror: () => {},
  });
  return {
    async close() {
      await handle.close();
      await ctx.pages.closeAll();
    },
  };
}
