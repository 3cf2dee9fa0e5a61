// The development tools the tests and benchmarks run from npm, pinned in
// their own config (tests/tools/deno.json and its lock), apart from the
// package's deno.json, which holds only what the library, CLI and server
// import.

/** The absolute path of the tests' config (tests/tools/deno.json). */
export const TOOLS_CONFIG: string =
  new URL("../tools/deno.json", import.meta.url).pathname;

/** The MCP conformance suite for the 2025-11-25 era. */
export const CONFORMANCE = "npm:@modelcontextprotocol/conformance@0.1.16";
/** The MCP conformance suite for the 2026-07-28 era. */
export const CONFORMANCE_2026 =
  "npm:@modelcontextprotocol/conformance@0.2.0-alpha.12";
/** The MCP Inspector (its CLI mode). */
export const INSPECTOR = "npm:@modelcontextprotocol/inspector@2.12.0";
/** mcp-remote, a stdio-to-HTTP proxy. */
export const MCP_REMOTE = "npm:mcp-remote@0.15.1";
/** The reference MCP server of the benchmarks. */
export const SERVER_EVERYTHING =
  "npm:@modelcontextprotocol/server-everything@2026.8.31";

/**
 * `deno run` arguments for one of the tools above: every permission, and the
 * tests' config, so the tool resolves against tests/tools/deno.lock and never
 * enters the package's lock.
 */
export function toolArgs(tool: string, ...args: string[]): string[] {
  return ["run", "-A", "--config", TOOLS_CONFIG, tool, ...args];
}
