#!/usr/bin/env -S deno run --allow-net --allow-env
/**
 * The cloudgate MCP server: Cleura and itopia tools for AI assistants, over
 * stdio (the default) or Streamable HTTP (`--http`). Credentials come only
 * from the environment; when a Cleura login needs the SMS code, the user is
 * asked through MCP elicitation.
 *
 * ```sh
 * deno run --allow-net --allow-env jsr:@cloudgate/toolkit/mcp            # stdio
 * deno run --allow-net --allow-env jsr:@cloudgate/toolkit/mcp --http     # http://127.0.0.1:8787/mcp
 * ```
 *
 * @example Run the server from your own program
 * ```ts ignore
 * import { runServer } from "@cloudgate/toolkit/mcp";
 *
 * Deno.exit(await runServer(["--http", "--port", "8787"]));
 * ```
 *
 * @module
 */

import { main, type MainOptions } from "./main.ts";

export type { MainOptions };

/**
 * Runs the server as a program: stdio when there are no arguments, else as
 * the arguments say (`--http`, `--port`, `--host`, `--help`).
 *
 * @param args The arguments.
 * @param options The environment the server reads, when not the process's
 * (an embedder's or a test's: nothing else of the process's is read then).
 * @returns The exit code once the server stops (2 for a usage or
 * configuration error).
 *
 * @example
 * ```ts ignore
 * import { runServer } from "@cloudgate/toolkit/mcp";
 *
 * Deno.exit(await runServer(["--http", "--port", "8787"], {
 *   env: { CLEURA_API_USERNAME: "alice", HOME: "/home/alice" },
 * }));
 * ```
 */
export function runServer(
  args: string[],
  options?: MainOptions,
): Promise<number> {
  return main(args, options);
}

if (import.meta.main) {
  Deno.exit(await runServer(Deno.args));
}
