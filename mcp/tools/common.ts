/**
 * Helpers every tool shares: the result shapes, the error mapping and the
 * Cleura call wrapper that wires the SMS code elicitation.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  type CleuraSession,
  CloudgateError,
  type SessionCallOptions,
  SmsCodeRequiredError,
} from "../../mod.ts";
import type { ToolContext } from "../context.ts";
import { elicitCode } from "../elicit.ts";

/**
 * A successful result: the structured content, and the same JSON as text
 * for clients that read only text.
 *
 * @param structured The result.
 * @returns The tool result.
 */
export function ok<T extends Record<string, unknown>>(
  structured: T,
): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(structured) }],
    structuredContent: structured,
  };
}

/** The hint for a client that cannot show an SMS code form. */
export const NO_ELICITATION_HINT =
  "This MCP client cannot ask you for the SMS code (it does not support elicitation): set CLEURA_API_TOKEN in the server's environment, for example from `deno task cli cleura token`, and restart the server";

/**
 * A tool error with one clear line. Only cloudgate's own errors, whose
 * messages never hold a secret, are shown as they are.
 *
 * @param error What went wrong.
 * @returns The tool result, with `isError: true`.
 */
export function fail(error: unknown): CallToolResult {
  let message = error instanceof CloudgateError
    ? error.message
    : `Unexpected ${
      error instanceof Error ? error.name : "failure"
    } in cloudgate`;
  if (error instanceof SmsCodeRequiredError) {
    message = `${message}. ${NO_ELICITATION_HINT}`;
  }
  return { content: [{ type: "text", text: message }], isError: true };
}

/** The parts of a tool call's `extra` that the Cleura wrapper uses. */
export interface CallExtra {
  /** The request's id. */
  requestId: string | number;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
}

/**
 * Runs a Cleura call for a tool: the shared session, the call's abort signal,
 * and an SMS code elicitation should this call start the login.
 *
 * @param server The server of the tool call.
 * @param ctx The shared state.
 * @param extra The tool call's request id and signal.
 * @param fn The call, given the session and the options to pass on.
 * @returns The tool result: `fn`'s value, or a tool error.
 */
export async function withCleura<T extends Record<string, unknown>>(
  server: McpServer,
  ctx: ToolContext,
  extra: CallExtra,
  fn: (session: CleuraSession, options: SessionCallOptions) => Promise<T>,
): Promise<CallToolResult> {
  try {
    const askCode = elicitCode(server, extra, ctx.codePages);
    const options: SessionCallOptions = {
      ...ctx.http,
      signal: extra.signal,
      ...(askCode ? { askCode } : {}),
    };
    return ok(await fn(ctx.cleura(), options));
  } catch (error) {
    return fail(error);
  }
}
