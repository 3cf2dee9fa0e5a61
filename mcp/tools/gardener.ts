/**
 * The Kubernetes cluster tools (Gardener shoots): list and show, always;
 * hibernate and wake only when the server runs with `--writes`, each
 * confirmed by the user through an elicitation naming the cluster. No tool
 * returns a kubeconfig: the model never holds a cluster credential.
 *
 * @module
 */

import { z } from "zod";
import {
  cleuraShootSchema,
  shootSummarySchema,
} from "../../lib/cleura/shoot.ts";
import { defineTool, lazyRun, type ToolDefinition } from "../tool.ts";

const run = () => import("./gardener_run.ts");

const where = {
  region: z.string().trim().min(1).max(32).optional().describe(
    "e.g. sto2; default CLEURA_REGION",
  ),
  projectId: z.string().trim().min(1).max(128).optional().describe(
    "From cleura_list_projects; default CLEURA_PROJECT_ID",
  ),
};
const named = {
  name: z.string().trim().min(1).max(63).describe("The cluster's name"),
  ...where,
};
const KUBECONFIG_HINT =
  "No tool returns a kubeconfig: the user runs cloudgate cleura shoot kubeconfig NAME -f FILE.";

/** `cleura_list_shoots`: the clusters of a project in a region. */
export const cleuraListShoots = defineTool({
  name: "cleura_list_shoots",
  toolset: "gardener",
  title: "List Kubernetes clusters",
  description:
    "A Cleura project's Kubernetes (Gardener) clusters in a region: name, version, last operation and progress, ready, hibernated, worker groups.",
  input: z.object(where),
  output: z.object({
    region: z.string(),
    projectId: z.string(),
    shoots: z.array(shootSummarySchema),
  }),
  run: lazyRun(run, "shoots"),
});

/** `cleura_get_shoot`: one cluster, whole. */
export const cleuraGetShoot = defineTool({
  name: "cleura_get_shoot",
  toolset: "gardener",
  title: "Show a Kubernetes cluster",
  description:
    "One Cleura Kubernetes cluster: a summary and the whole record (spec, status, conditions). " +
    KUBECONFIG_HINT,
  input: z.object(named),
  output: z.object({ summary: shootSummarySchema, shoot: cleuraShootSchema }),
  run: lazyRun(run, "shoot"),
});

/** Hibernate or wake, confirmed by the user first. */
function changeTool(action: "hibernate" | "wake") {
  const verb = action === "hibernate" ? "Hibernate" : "Wake up";
  return defineTool({
    name: `cleura_${action}_shoot`,
    toolset: "gardener",
    title: `${verb} a Kubernetes cluster`,
    description: action === "hibernate"
      ? "Hibernate a Cleura Kubernetes cluster: its workers stop, and its workloads with them, until woken. Asks the user to confirm."
      : "Wake a hibernated Cleura Kubernetes cluster: its workers start again. Asks the user to confirm.",
    input: z.object(named),
    output: z.object({
      name: z.string(),
      region: z.string(),
      projectId: z.string(),
      accepted: z.boolean(),
    }),
    annotations: {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    },
    run: lazyRun(run, action),
  });
}

/** `cleura_hibernate_shoot` (only with `--writes`). */
export const cleuraHibernateShoot = changeTool("hibernate");

/** `cleura_wake_shoot` (only with `--writes`). */
export const cleuraWakeShoot = changeTool("wake");

/** Every cluster tool, in the order `tools/list` shows them. */
export const GARDENER_TOOLS: readonly ToolDefinition[] = [
  cleuraListShoots,
  cleuraGetShoot,
  cleuraHibernateShoot,
  cleuraWakeShoot,
];
