/**
 * The server factory: one MCP server with the chosen cloudgate tools, whose
 * `requestState` is opened by the process's sealed-state codec.
 *
 * @module
 */

import { McpServer, type Transport } from "@modelcontextprotocol/server";
import { CODE_TIMEOUT_MS } from "./code_pages.ts";
import type { ToolContext } from "./context.ts";
import { cleanText } from "../lib/text.ts";
import { INSTRUCTIONS, SERVER_INFO } from "./protocol.ts";
import { registerTools, selectTools, type ToolDefinition } from "./tool.ts";
import { TOOLS } from "./tools/mod.ts";

/** A zod issue as the SDK's validation messages list them. */
interface Issue {
  path?: unknown[];
  message?: unknown;
}

/**
 * A tool error the SDK itself made (its input validation, its legacy shim's
 * failures: a client's malformed answer), on one clean line: a listed zod
 * dump becomes `field: message; field: message`. Every other message passes
 * as it is; cloudgate's own errors are one line already (`fail` in
 * tool.ts).
 */
function oneLineToolError<M>(message: M): M {
  const result = (message as { result?: Record<string, unknown> }).result;
  if (result?.isError !== true || !Array.isArray(result.content)) {
    return message;
  }
  const content = result.content.map(
    (block: { type?: unknown; text?: unknown }) => {
      if (block.type !== "text" || typeof block.text !== "string") return block;
      return { ...block, text: oneLine(block.text) };
    },
  );
  return { ...message, result: { ...result, content } };
}

function oneLine(text: string): string {
  const listed = /^([^\n[]*?):?\s*(\[[\s\S]*\])\s*$/.exec(text);
  if (listed) {
    try {
      const issues = JSON.parse(listed[2]!) as Issue[];
      const parts = issues.map((issue) =>
        `${(issue.path ?? []).join(".") || "arguments"}: ${
          String(issue.message ?? "invalid")
        }`
      );
      if (parts.length > 0) text = `${listed[1]}: ${parts.join("; ")}`;
    } catch {
      // Not a list of issues: keep the text, on one line.
    }
  }
  return cleanText(text, { multiline: false }).replace(/\s{2,}/g, " ").trim();
}

/**
 * The SDK's server, whose tool errors reach the client on one line also when
 * the SDK made them (its input validation, its legacy shim's failures).
 */
class CloudgateServer extends McpServer {
  override connect(transport: Transport): Promise<void> {
    const send = transport.send.bind(transport);
    transport.send = (message, options) =>
      send(oneLineToolError(message), options);
    return super.connect(transport);
  }
}

/** The tools a server lists unless told otherwise, chosen once. */
const DEFAULT_TOOLS = selectTools(TOOLS);

/**
 * Creates an MCP server with the given tools, sharing the given state.
 *
 * @param ctx The shared state (one per process, so one Cleura login).
 * @param tools The tools to serve (default: every tool but those that
 * change something, which need `--writes`).
 * @returns The server, not yet connected. What it lists for each tool is
 * built once per process (`toolListing`): a new server only wires
 * its handlers.
 */
export function createMcpServer(
  ctx: ToolContext,
  tools: readonly ToolDefinition[] = DEFAULT_TOOLS,
): McpServer {
  const server = new CloudgateServer({ ...SERVER_INFO }, {
    // The tool list never changes while the server runs.
    capabilities: { logging: {}, tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
    requestState: { verify: (state: string) => ctx.state.open(state) },
    // A 2025 client has as long to answer the SMS question as a sealed
    // state lives, not the SDK's default 10 minutes.
    inputRequired: { roundTimeoutMs: CODE_TIMEOUT_MS },
  });
  registerTools(server, tools, ctx);
  return server;
}
