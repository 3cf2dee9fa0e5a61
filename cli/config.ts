/**
 * `cleura config view`, `config path` and `config get-credentials`: the
 * Cleura settings the commands use, each with where it came from; the file of
 * Cleura's CLI config that profiles live in; and the login and token in the
 * JSON that Cleura's own CLI gives other tools (its stable contract), as
 * Cleura's CLI names these commands.
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

/** The flags of `cleura config get-credentials`. */
export const CREDENTIALS_OPTIONS = {
  ...PROFILE_OPTION,
  validate: {
    type: "boolean",
    help: "Check the token with the API first (one request; exit 2 if refused)",
  },
} as const satisfies OptionsSpec;

const credentials = defineCommand({
  name: "config get-credentials",
  summary:
    "Print the login and token as Cleura's CLI's JSON for other tools (exit 2 if none)",
  options: CREDENTIALS_OPTIONS,
  examples: [
    "cloudgate cleura config get-credentials | jq -r .token",
    "cloudgate cleura config get-credentials --profile work --validate",
  ],
  run: async (options, env) => (await run()).credentials(options, env),
});

const path = defineCommand({
  name: "config path",
  summary: "Print the path of Cleura's CLI config file",
  options: {},
  examples: ["cloudgate cleura config path"],
  run: async (_options, env) => (await run()).path(env),
});

/** The config commands, in the order the help lists them. */
export const CONFIG_COMMANDS = [view, path, credentials];
