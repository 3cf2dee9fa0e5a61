/**
 * The emulator's Gardener routes (Kubernetes clusters, v1) for both garden
 * domains, `public` and `compliant`: list, get, hibernate, wake up and an
 * admin kubeconfig. Clusters live in the emulator's state, fresh for each
 * emulator, so hibernating one shows on the next get.
 *
 * @module
 */

import type { CleuraShoot } from "../cleura/shoot.ts";
import { cleuraToken, unauthorized } from "./cleura.ts";
import { SEED_CLEURA_DOMAINS } from "./fixtures.ts";
import {
  type EmulatorState,
  errorEnvelope,
  hostile,
  hostileStrings,
  json,
  randomToken,
  readJson,
  record,
} from "./state.ts";

/** A Kubernetes cluster of the emulator, and where it lives. */
export interface EmulatedShoot {
  /** The Gardener installation: `public` or `compliant`. */
  gardenDomain: "public" | "compliant";
  /** The region, in lower case, e.g. `sto2`. */
  region: string;
  /** The project's id. */
  projectId: string;
  /** The cluster, as the API returns it. */
  shoot: CleuraShoot;
}

/** The project the seed clusters belong to: the first seed domain's `…p1` ("production"). */
const SEED_PROJECT = `${
  (JSON.parse(SEED_CLEURA_DOMAINS) as { id: string }[])[0]!.id.slice(0, 8)
}p1`;

function worker(
  name: string,
  type: string,
  minimum: number,
  maximum: number,
): Record<string, unknown> {
  return {
    name,
    minimum,
    maximum,
    machine: { type, image: { name: "gardenlinux", version: "1592.4.0" } },
    volume: { size: "50Gi" },
    zones: ["nova"],
  };
}

function seedShoot(
  name: string,
  purpose: string,
  version: string,
  hibernated: boolean,
  workers: Record<string, unknown>[],
): CleuraShoot {
  return {
    metadata: { name, uid: crypto.randomUUID(), resourceVersion: "1" },
    spec: {
      purpose,
      region: "sto2",
      cloudProfileName: "cleuracloud",
      kubernetes: { version },
      provider: { type: "openstack", workers },
      hibernation: { enabled: hibernated, schedules: [] },
      maintenance: {
        autoUpdate: { kubernetesVersion: true, machineImageVersion: true },
        timeWindow: { begin: "220000+0100", end: "230000+0100" },
      },
    },
    status: {
      hibernated,
      conditions: [
        {
          type: "APIServerAvailable",
          status: "True",
          message: hibernated
            ? "Shoot cluster is hibernated"
            : "API server /healthz endpoint responded with success status code.",
        },
        {
          type: "EveryNodeReady",
          status: "True",
          message: hibernated
            ? "Shoot cluster is hibernated: it has no nodes"
            : "All nodes are ready.",
        },
      ],
      lastOperation: {
        type: "Reconcile",
        state: "Succeeded",
        progress: 100,
        description: "Shoot cluster has been successfully reconciled.",
        lastUpdateTime: "2026-01-01T00:00:00Z",
      },
    },
  };
}

/**
 * The emulator's seed clusters: in region `sto2` of project `79b0cef4p1` (the
 * first domain's "production"), in each garden domain, `prod-cluster`
 * (Kubernetes 1.31.4, ready, two worker groups) and `dev-cluster` (1.30.8,
 * hibernated, one worker group).
 */
export function seedShoots(): EmulatedShoot[] {
  return (["public", "compliant"] as const).flatMap((gardenDomain) =>
    [
      seedShoot("prod-cluster", "production", "1.31.4", false, [
        worker("general", "b.4c16gb", 3, 6),
        worker("memory", "m.4c32gb", 1, 3),
      ]),
      seedShoot("dev-cluster", "development", "1.30.8", true, [
        worker("general", "b.2c4gb", 1, 2),
      ]),
    ].map((shoot) => ({
      gardenDomain,
      region: "sto2",
      projectId: SEED_PROJECT,
      shoot,
    }))
  );
}

/** A cluster as answered: its text hostile under `hostileText`, but not its name. */
function answered(state: EmulatorState, shoot: CleuraShoot): unknown {
  if (!state.options.hostileText) return shoot;
  const { metadata, spec, status } = shoot;
  return {
    ...shoot,
    metadata,
    spec: hostileStrings(spec, []),
    status: status && {
      ...status,
      conditions: status.conditions?.map((c) => ({
        ...c,
        message: typeof c.message === "string" ? hostile(c.message) : c.message,
      })),
      lastOperation: status.lastOperation && {
        ...status.lastOperation,
        description: typeof status.lastOperation.description === "string"
          ? hostile(status.lastOperation.description)
          : status.lastOperation.description,
      },
    },
  };
}

/** The clusters of a project in a region of a garden domain. */
function shootsOf(
  state: EmulatorState,
  [gardenDomain, region, projectId]: readonly string[],
): EmulatedShoot[] {
  const project = decodeURIComponent(projectId!);
  return state.shoots.filter((s) =>
    s.gardenDomain === gardenDomain && s.region === region &&
    s.projectId === project
  );
}

/** The cluster a path names, or the answer to give instead (403 or 404). */
function shootOf(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): EmulatedShoot | Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  const name = decodeURIComponent(params[3]!);
  return shootsOf(state, params).find((s) => s.shoot.metadata.name === name) ??
    errorEnvelope(state, 404, "not found");
}

/**
 * `GET /gardener/v1/<garden>/shoot/<region>/<project>`: the clusters. An
 * unknown project or region answers 200 with an empty list (assumed: no
 * public source says whether the API answers 404 instead).
 */
export function listShoots(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  return json(
    200,
    shootsOf(state, params).map((s) => answered(state, s.shoot)),
  );
}

/** `GET …/<name>`: one cluster, or 404. */
export function getShoot(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): Response {
  const found = shootOf(state, request, params);
  return found instanceof Response
    ? found
    : json(200, answered(state, found.shoot));
}

/** Hibernation asked for or lifted: the spec and status flip, a reconcile starts. */
function change(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
  hibernate: boolean,
): Response {
  const found = shootOf(state, request, params);
  if (found instanceof Response) return found;
  const { shoot } = found;
  const spec = shoot.spec ??= {};
  spec.hibernation = { ...spec.hibernation, enabled: hibernate };
  // As Kubernetes does: every change gives the object a new resourceVersion.
  shoot.metadata.resourceVersion = String(
    Number(shoot.metadata.resourceVersion ?? 0) + 1,
  );
  shoot.status = {
    ...shoot.status,
    hibernated: hibernate,
    lastOperation: {
      type: "Reconcile",
      state: "Processing",
      progress: 0,
      description: hibernate ? "Hibernating cluster" : "Waking up cluster",
      lastUpdateTime: new Date().toISOString(),
    },
  };
  if (hibernate) state.counters.shootHibernations++;
  else state.counters.shootWakes++;
  return new Response(null, { status: 202 });
}

/** `POST …/<name>/hibernate`: 202, no body. */
export function hibernateShoot(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): Response {
  return change(state, request, params, true);
}

/** `POST …/<name>/wakeup`: 202, no body. */
export function wakeShoot(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): Response {
  return change(state, request, params, false);
}

/** A kubeconfig of a cluster, with a fresh admin token. */
function kubeconfigYaml(found: EmulatedShoot, expirationSeconds: number) {
  const name = found.shoot.metadata.name;
  const context = `garden-${found.projectId}--${name}-external`;
  const ca = btoa(randomToken(48));
  return [
    `# Admin kubeconfig of ${name}, issued by the cloudgate emulator; expires in ${expirationSeconds} seconds`,
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${context}`,
    "  cluster:",
    `    certificate-authority-data: ${ca}`,
    `    server: https://api.${name}.${found.projectId}.gardener.emulator.invalid`,
    "contexts:",
    `- name: ${context}`,
    "  context:",
    `    cluster: ${context}`,
    `    user: ${context}`,
    `current-context: ${context}`,
    "users:",
    `- name: ${context}`,
    "  user:",
    `    token: ${randomToken(64)}`,
    "",
  ].join("\n");
}

/**
 * `POST …/<name>/adminkubeconfig` with `{"config":{"expirationSeconds":N}}`:
 * 200, a JSON string holding the kubeconfig; 400 unless N is a positive
 * integer.
 */
export async function adminKubeconfig(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): Promise<Response> {
  const found = shootOf(state, request, params);
  if (found instanceof Response) return found;
  const seconds = record(record(await readJson(request))?.config)
    ?.expirationSeconds;
  if (!Number.isInteger(seconds) || (seconds as number) <= 0) {
    return errorEnvelope(
      state,
      400,
      "config.expirationSeconds must be a positive integer",
    );
  }
  state.counters.kubeconfigsIssued++;
  return json(200, kubeconfigYaml(found, seconds as number));
}
