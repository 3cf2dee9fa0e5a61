/**
 * The Kubernetes cluster commands (Gardener shoots), declared: list, show,
 * an admin kubeconfig (a credential: to a private file, or to a pipe, never
 * to a terminal), hibernate and wake (confirmed on a terminal, `--yes` in a
 * script). What each runs is in `gardener_run.ts`, loaded only when one
 * runs.
 *
 * @module
 */

import type { OptionsSpec } from "./args.ts";
import { TARGET_OPTIONS } from "./cleura_options.ts";
import { defineCommand } from "./command.ts";
import { outputOptions } from "./output.ts";

/** The commands' implementations, loaded when one runs. */
const run = () => import("./gardener_run.ts");

const NAME = [{
  name: "NAME",
  help: "The cluster's name (see: cloudgate cleura shoot list)",
}];

/** The flags of `cleura shoot list`. */
export const LIST_OPTIONS = {
  ...TARGET_OPTIONS,
  ...outputOptions(
    '{"region", "projectId", "shoots": [...]}, each cluster whole, as the API returns it',
  ),
} as const satisfies OptionsSpec;

/** The flags of `cleura shoot get`. */
export const GET_OPTIONS = {
  ...TARGET_OPTIONS,
  ...outputOptions("the whole cluster as the API returns it"),
} as const satisfies OptionsSpec;

/** The flags of `cleura shoot kubeconfig`. */
export const KUBECONFIG_OPTIONS = {
  expiration: {
    type: "string",
    value: "DURATION",
    help: "How long it stays valid: 10m to 24h, e.g. 90m or 2h (default 1h)",
  },
  file: {
    type: "string",
    short: "f",
    value: "FILE",
    help:
      "Write it to FILE (mode 0600, replaced atomically) and print only the path",
  },
  ...TARGET_OPTIONS,
} as const satisfies OptionsSpec;

/** The flags of `cleura shoot hibernate` and `cleura shoot wake`. */
export const CHANGE_OPTIONS = {
  yes: {
    type: "boolean",
    short: "y",
    help: "Do it without asking (needed when not on a terminal)",
  },
  ...TARGET_OPTIONS,
} as const satisfies OptionsSpec;

const list = defineCommand({
  name: "shoot list",
  summary: "List the Kubernetes clusters of a project in a region",
  options: LIST_OPTIONS,
  examples: ["cloudgate cleura shoot list --region sto2 --project-id 4fd4c6a1"],
  featured: true,
  run: async (options, env) => (await run()).list(options, env),
});

const get = defineCommand({
  name: "shoot get",
  summary: "Show one Kubernetes cluster",
  options: GET_OPTIONS,
  args: NAME,
  examples: ["cloudgate cleura shoot get prod-cluster -o yaml"],
  run: async (options, env, [name]) => (await run()).get(options, env, name!),
});

const kubeconfig = defineCommand({
  name: "shoot kubeconfig",
  summary:
    "Get an admin kubeconfig that expires (a credential: to a file or a pipe)",
  options: KUBECONFIG_OPTIONS,
  args: NAME,
  examples: [
    "cloudgate cleura shoot kubeconfig prod-cluster -f ~/.kube/prod.yaml",
    "cloudgate cleura shoot kubeconfig prod-cluster --expiration 2h | kubectl --kubeconfig /dev/stdin get nodes",
  ],
  run: async (options, env, [name]) =>
    (await run()).kubeconfig(options, env, name!),
});

/** Hibernate or wake. */
function changeCommand(action: "hibernate" | "wake") {
  return defineCommand({
    name: `shoot ${action}`,
    summary: action === "hibernate"
      ? "Hibernate a Kubernetes cluster (asks first; --yes in scripts)"
      : "Wake a hibernated Kubernetes cluster (asks first; --yes in scripts)",
    options: CHANGE_OPTIONS,
    args: NAME,
    examples: [`cloudgate cleura shoot ${action} dev-cluster --yes`],
    run: async (options, env, [name]) =>
      (await run()).change(action, options, env, name!),
  });
}

/** The cluster commands, in the order the help lists them. */
export const SHOOT_COMMANDS = [
  list,
  get,
  kubeconfig,
  changeCommand("hibernate"),
  changeCommand("wake"),
];
