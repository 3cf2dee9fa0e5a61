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
  type Route,
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
export function answered(state: EmulatorState, shoot: CleuraShoot): unknown {
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
export function shootsOf(
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
export function shootOf(
  state: EmulatorState,
  request: Request,
  params: readonly string[],
): EmulatedShoot | Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  const name = decodeURIComponent(params[3]!);
  return shootsOf(state, params).find((s) => s.shoot.metadata.name === name) ??
    errorEnvelope(state, 404, "not found");
}

/** How one generation sends a cluster. */
export type ShootShape = (state: EmulatorState, shoot: CleuraShoot) => unknown;

/**
 * The two reads of one generation, sending each cluster in its `shape`: the
 * list of a project's clusters (an unknown project or region answers 200
 * with an empty list; assumed: no public source says whether the API answers
 * 404 instead), and one cluster, or 404.
 *
 * @param shape How the generation sends a cluster.
 * @returns The list and get routes.
 *
 * @example
 * ```ts
 * import { shootReads } from "./gardener.ts";
 *
 * const v1 = shootReads((_state, shoot) => shoot);
 * console.log(typeof v1.list, typeof v1.get); // function function
 * ```
 */
export function shootReads(shape: ShootShape): { list: Route; get: Route } {
  return {
    list: (state, request, params) => {
      if (!cleuraToken(state, request)) return unauthorized(state);
      return json(
        200,
        shootsOf(state, params).map((s) => shape(state, s.shoot)),
      );
    },
    get: (state, request, params) => {
      const found = shootOf(state, request, params);
      return found instanceof Response
        ? found
        : json(200, shape(state, found.shoot));
    },
  };
}

/** v1's reads: `GET /gardener/v1/<garden>/shoot/<region>/<project>[/<name>]`. */
export const V1_SHOOT_READS: { list: Route; get: Route } = shootReads(answered);

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
export function kubeconfigYaml(
  found: EmulatedShoot,
  expirationSeconds: number,
) {
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
 * An admin kubeconfig route: the lifetime read from the body (`field` names
 * it in the 400 unless it is a positive integer), the YAML sent as `answer`
 * gives it.
 *
 * @param field Where the body holds the lifetime, e.g. `expiration_seconds`.
 * @param answer The response holding the YAML.
 * @returns The route.
 *
 * @example
 * ```ts
 * import { kubeconfigRoute } from "./gardener.ts";
 *
 * const route = kubeconfigRoute("expiration_seconds", (yaml) => new Response(yaml));
 * console.log(typeof route); // function
 * ```
 */
export function kubeconfigRoute(
  field: string,
  answer: (yaml: string) => Response,
): Route {
  return async (state, request, params) => {
    const found = shootOf(state, request, params);
    if (found instanceof Response) return found;
    let value: unknown = await readJson(request);
    for (const key of field.split(".")) value = record(value)?.[key];
    if (!Number.isInteger(value) || (value as number) <= 0) {
      return errorEnvelope(state, 400, `${field} must be a positive integer`);
    }
    state.counters.kubeconfigsIssued++;
    return answer(kubeconfigYaml(found, value as number));
  };
}

/**
 * v1's `POST …/<name>/adminkubeconfig` with
 * `{"config":{"expirationSeconds":N}}`: 200, a JSON string holding the
 * kubeconfig; 400 unless N is a positive integer.
 */
export const adminKubeconfig: Route = kubeconfigRoute(
  "config.expirationSeconds",
  (yaml) => json(200, yaml),
);
