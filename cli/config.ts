/**
 * `cleura config view` and `cleura config path`: the Cleura settings the
 * commands use, each with where it came from, and the file of Cleura's CLI
 * config that profiles live in, as Cleura's own CLI names these commands.
 *
 * @module
 */

import type { OptionsSpec } from "./args.ts";
import { PROFILE_OPTION } from "./cleura_options.ts";
import { defineCommand } from "./command.ts";
import { outputOptions } from "./output.ts";

/** The commands' implementations, loaded when one runs. */
const run = () => import("./config_run.ts");

/** The flags of `cleura config view`. */
export const VIEW_OPTIONS = {
  ...PROFILE_OPTION,
  ...outputOptions(
    '{"profile", "settings": [{"name", "value", "source"}]}; a password or token as "set", never its value',
  ),
} as const satisfies OptionsSpec;

const view = defineCommand({
  name: "config view",
  summary: "Show each Cleura setting and where it comes from (never a secret)",
  options: VIEW_OPTIONS,
  examples: [
    "cloudgate cleura config view",
    "cloudgate cleura config view --profile work -o json",
  ],
  run: async (options, env) => (await run()).view(options, env),
});

const path = defineCommand({
  name: "config path",
  summary: "Print the path of Cleura's CLI config file",
  options: {},
  examples: ["cloudgate cleura config path"],
  run: async (_options, env) => (await run()).path(env),
});

/** The config commands, in the order the help lists them. */
export const CONFIG_COMMANDS = [view, path];
