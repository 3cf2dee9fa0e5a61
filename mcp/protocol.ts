/**
 * What the server says about itself in `initialize`, kept in a module with no
 * dependencies so that the stdio entry can answer `initialize` before the MCP
 * SDK and the tools have loaded. `tests/mcp_fast_start_test.ts` checks that
 * this answer equals the SDK's own, for every protocol version.
 *
 * @module
 */

/** The server's name and version, as it reports them in `initialize`. */
export const SERVER_INFO = { name: "cloudgate", version: "0.1.0" } as const;

/** The server's instructions to the model. */
export const INSTRUCTIONS =
  "cloudgate reaches the Cleura Cloud REST API and the itopia CAS API with credentials from the server's environment; no tool takes a password, API key or token. " +
  "Cleura tools share one login; if the account uses SMS two-factor, the user is asked for the code once.";

/** The capabilities the server declares: logging, and tools. */
export const CAPABILITIES = {
  logging: {},
  tools: { listChanged: true },
} as const;

/**
 * The protocol versions the MCP SDK supports, newest first (the SDK's
 * `SUPPORTED_PROTOCOL_VERSIONS`; a test keeps the two equal).
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  "2024-10-07",
];

/** A JSON-RPC request, as read from the wire. */
export interface WireRequest {
  /** Always `2.0`. */
  jsonrpc: string;
  /** The request's id. */
  id: string | number;
  /** The method. */
  method: string;
  /** The parameters. */
  params?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The answer to a well-formed `initialize` request, as the SDK would give it;
 * `undefined` for anything else (which then waits for the SDK).
 *
 * @param message A parsed JSON-RPC message.
 * @returns The JSON-RPC response, or `undefined`.
 */
export function initializeAnswer(
  message: unknown,
): Record<string, unknown> | undefined {
  if (!isRecord(message) || message.jsonrpc !== "2.0") return undefined;
  if (message.method !== "initialize") return undefined;
  const id = message.id;
  if (typeof id !== "string" && typeof id !== "number") return undefined;
  const params = message.params;
  if (
    !isRecord(params) || typeof params.protocolVersion !== "string" ||
    !isRecord(params.capabilities) || !isRecord(params.clientInfo) ||
    typeof params.clientInfo.name !== "string" ||
    typeof params.clientInfo.version !== "string"
  ) return undefined;
  const requested = params.protocolVersion;
  return {
    jsonrpc: "2.0",
    id,
    result: {
      protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
        ? requested
        : SUPPORTED_PROTOCOL_VERSIONS[0],
      capabilities: CAPABILITIES,
      serverInfo: SERVER_INFO,
      instructions: INSTRUCTIONS,
    },
  };
}
