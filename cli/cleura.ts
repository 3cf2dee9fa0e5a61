/**
 * The Cleura commands, declared: log in (with the SMS code from a prompt,
 * stdin, or in two steps; the token also into a profile of Cleura's CLI
 * config), print the token, list regions, domains and projects, check and
 * revoke the token; the Kubernetes cluster commands come from `gardener.ts`.
 * Their names, flags and examples are all `--help`, completion and dispatch
 * need; what each runs is in `cleura_run.ts`, loaded only when one runs.
 *
 * @module
 */

import type { OptionsSpec } from "./args.ts";
import { PROFILE_OPTION } from "./cleura_options.ts";
import { type Api, defineCommand } from "./command.ts";
import { CONFIG_COMMANDS } from "./config.ts";
import { SHOOT_COMMANDS } from "./gardener.ts";
import { outputOptions } from "./output.ts";

/** The commands' implementations, loaded when one runs. */
const run = () => import("./cleura_run.ts");

/** The flags of `cleura login`. */
export const LOGIN_OPTIONS = {
  "send-code": {
    type: "boolean",
    help: "Send the SMS and print a verification handle, then stop",
  },
  verify: {
    type: "boolean",
    help:
      "Finish a --send-code login: the handle from CLEURA_VERIFICATION, the code from stdin",
  },
  profile: {
    type: "string",
    value: "NAME",
    help:
      "Log in with this profile of Cleura's CLI config and store the new token in it (a missing profile is added)",
  },
} as const satisfies OptionsSpec;

/** The flags of `cleura regions`. */
export const REGIONS_OPTIONS = {
  status: {
    type: "string",
    value: "STATUS",
    help: "Only regions with this status (e.g. active)",
  },
  ...PROFILE_OPTION,
  ...outputOptions('{"regions": [...]}, one object per region'),
} as const satisfies OptionsSpec;

/** The flags of `cleura domains`. */
export const DOMAINS_OPTIONS = {
  ...PROFILE_OPTION,
  ...outputOptions('{"domains": [...]}, as the API returns them'),
} as const satisfies OptionsSpec;

/** The flags of `cleura projects`. */
export const PROJECTS_OPTIONS = {
  domain: {
    type: "string",
    value: "ID",
    help: "Only this domain's projects (see: cloudgate cleura domains)",
  },
  ...PROFILE_OPTION,
  ...outputOptions(
    '{"projects": [...]}, each with its domain\'s id, name and regions (with --domain: {"domainId", "projects"})',
  ),
} as const satisfies OptionsSpec;

/** The flags of `cleura whoami`. */
export const WHOAMI_OPTIONS = {
  ...PROFILE_OPTION,
  ...outputOptions('{"login", "apiUrl", "valid", "user"}'),
} as const satisfies OptionsSpec;

const login = defineCommand({
  name: "login",
  summary: "Log in (SMS two-factor when needed) and cache the token",
  options: LOGIN_OPTIONS,
  examples: [
    "cloudgate cleura login",
    "cloudgate cleura login --profile work   # the token goes into Cleura's CLI config too",
    "export CLEURA_VERIFICATION=$(cloudgate cleura login --send-code)   # then, with the code from the SMS:",
    'printf "%s\\n" "$CODE" | cloudgate cleura login --verify',
  ],
  run: async (options, env) => (await run()).login(options, env),
});

const token = defineCommand({
  name: "token",
  summary: "Print the token alone on one line, logging in if needed",
  options: PROFILE_OPTION,
  examples: ["export CLEURA_API_TOKEN=$(cloudgate cleura token)"],
  featured: true,
  run: async (options, env) => (await run()).token(options, env),
});

const regions = defineCommand({
  name: "regions",
  summary: "List the account's regions, one row per region",
  options: REGIONS_OPTIONS,
  examples: [
    "cloudgate cleura regions",
    "cloudgate cleura regions --status active -o json",
  ],
  featured: true,
  run: async (options, env) => (await run()).regions(options, env),
});

const domains = defineCommand({
  name: "domains",
  summary: "List the account's domains with their areas",
  options: DOMAINS_OPTIONS,
  examples: ["cloudgate cleura domains -o yaml"],
  run: async (options, env) => (await run()).domains(options, env),
});

const projects = defineCommand({
  name: "projects",
  summary: "List the projects of every domain, or of one",
  options: PROJECTS_OPTIONS,
  examples: [
    "cloudgate cleura projects",
    "cloudgate cleura projects --domain 79b0cef45b504586ad0bf057dc4cb8b8 -o json",
  ],
  run: async (options, env) => (await run()).projects(options, env),
});

const whoami = defineCommand({
  name: "whoami",
  summary:
    "Check the cached or given token, and whose it is (exit 1 if not valid)",
  options: WHOAMI_OPTIONS,
  examples: ["cloudgate cleura whoami"],
  run: async (options, env) => (await run()).whoami(options, env),
});

const logout = defineCommand({
  name: "logout",
  summary: "Revoke the token and delete it from the cache",
  options: PROFILE_OPTION,
  examples: ["cloudgate cleura logout"],
  run: async (options, env) => (await run()).logout(options, env),
});

/** The Cleura commands, in the order the help lists them. */
export const CLEURA: Api = {
  name: "cleura",
  title: "Cleura",
  commands: [
    login,
    token,
    regions,
    domains,
    projects,
    ...SHOOT_COMMANDS,
    whoami,
    logout,
    ...CONFIG_COMMANDS,
  ],
};
