/**
 * The `cleura_token_status` tool.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { httpOptionsOf } from "../../mod.ts";
import type { ToolContext } from "../context.ts";
import { withCleura } from "./common.ts";

/**
 * Registers `cleura_token_status`.
 *
 * @param server The server.
 * @param ctx The shared state.
 */
export function registerCleuraTokenStatus(
  server: McpServer,
  ctx: ToolContext,
): void {
  server.registerTool(
    "cleura_token_status",
    {
      title: "Check the Cleura login",
      description:
        "Tell whether the server currently holds a valid Cleura token for the configured account (it asks the API; it never logs in and never returns the token). " +
        "Use it to check the setup before other Cleura tools, or to explain an authentication failure.",
      inputSchema: {},
      outputSchema: {
        login: z.string(),
        apiUrl: z.string(),
        valid: z.boolean(),
      },
      annotations: {
        readOnlyHint: true,
        openWorldHint: true,
        idempotentHint: true,
      },
    },
    (_args, extra) =>
      withCleura(server, ctx, extra, async (session, options) => ({
        login: session.login,
        apiUrl: session.apiUrl,
        valid: await session.validate(httpOptionsOf(options)),
      })),
  );
}
