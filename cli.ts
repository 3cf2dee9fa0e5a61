#!/usr/bin/env -S deno run --allow-net --allow-env --allow-read --allow-write
/**
 * The cloudgate command line: one-off commands for the Cleura Cloud REST API
 * and the itopia CAS API. It parses arguments, calls the library and prints;
 * secrets come from the environment or a prompt, never from a flag.
 *
 * ```sh
 * deno run -A jsr:@cloudgate/toolkit/cli cleura regions
 * deno run -A jsr:@cloudgate/toolkit/cli itopia instances --deployment-id 7 --json
 * ```
 *
 * Run `cli.ts --help` for every command. Exit codes: 0 success; 1 an API,
 * authentication or network failure; 2 a usage or configuration error.
 *
 * @example Run the CLI from another program
 * ```ts ignore
 * import { main } from "@cloudgate/toolkit/cli";
 *
 * const code = await main(["cleura", "regions", "--json"]);
 * ```
 *
 * @module
 */

import { main } from "./cli/main.ts";

export { main };
export type { CliIo } from "./cli/io.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
