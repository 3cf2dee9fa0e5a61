/**
 * The itopia commands, declared: mint a JWT from the API key, log in with a
 * username and password, list a deployment's VM instances. Their names,
 * flags and examples are all `--help`, completion and dispatch need; what
 * each runs is in `itopia_run.ts`, loaded only when one runs.
 *
 * @module
 */

import type { OptionsSpec } from "./args.ts";
import { type Api, defineCommand } from "./command.ts";
import { outputOptions } from "./output.ts";

/** The commands' implementations, loaded when one runs. */
const run = () => import("./itopia_run.ts");

/** `--organization-id` and `--deployment-id`, with their help. */
function idFlags(deploymentHelp: string) {
  return {
    "organization-id": {
      type: "string",
      help: "The organization (default ITOPIA_ORGANIZATION_ID)",
    },
    "deployment-id": { type: "string", help: deploymentHelp },
  } as const satisfies OptionsSpec;
}

/** The flags of `itopia jwt`. */
export const JWT_OPTIONS = {
  ...idFlags("Pin the token to a deployment (default ITOPIA_DEPLOYMENT_ID)"),
  ttl: {
    type: "string",
    help: "Lifetime in seconds, 1 to 86400 (default 3600)",
  },
  ...outputOptions(
    '{"token", "expiresAt", "claims"}; the table form is the token alone',
  ),
} as const satisfies OptionsSpec;

/** The flags of `itopia instances`. */
export const INSTANCES_OPTIONS = {
  ...idFlags("The deployment (default ITOPIA_DEPLOYMENT_ID)"),
  ...outputOptions('{"instances": [...], "total"}, as the API returns them'),
} as const satisfies OptionsSpec;

const jwt = defineCommand({
  name: "jwt",
  summary: "Mint a JWT from ITOPIA_API_KEY, print it alone on one line",
  options: JWT_OPTIONS,
  examples: ["TOKEN=$(cloudgate itopia jwt --organization-id 42 --ttl 600)"],
  run: async (options, env) => (await run()).jwt(options, env),
});

const login = defineCommand({
  name: "login",
  summary: "Log in with ITOPIA_USERNAME/ITOPIA_PASSWORD, print the token",
  options: {},
  examples: ["TOKEN=$(cloudgate itopia login)"],
  run: async (_options, env) => (await run()).login(env),
});

const instances = defineCommand({
  name: "instances",
  summary: "List the VM instances of a deployment (API key, else login)",
  options: INSTANCES_OPTIONS,
  examples: [
    "cloudgate itopia instances --deployment-id 7",
    "cloudgate itopia instances -o json",
  ],
  featured: true,
  run: async (options, env) => (await run()).instances(options, env),
});

/** The itopia commands, in the order the help lists them. */
export const ITOPIA: Api = {
  name: "itopia",
  title: "itopia",
  commands: [jwt, login, instances],
};
