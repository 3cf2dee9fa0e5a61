/**
 * Kubernetes clusters (Gardener shoots) on Cleura's v1 API: list and show
 * them, hibernate and wake them (the admin kubeconfig is in `kubeconfig.ts`).
 * The project, region and cluster name are checked before any request; a
 * kubeconfig is a credential and never appears in an error or a warning.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listShoots, summarizeShoot } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * const shoots = await listShoots(session, { region: "sto2", projectId: "4fd4c6a1" });
 * console.table(shoots.map(summarizeShoot));
 * ```
 *
 * @module
 */

import { ApiError, ConfigError, NotFoundError } from "../errors.ts";

export { NotFoundError } from "../errors.ts";
import { parseBody, unwrapArray } from "../parse.ts";
import { readElements } from "./elements.ts";
import type { CleuraSession } from "./session.ts";
import type { CleuraReader, SessionCallOptions } from "./session_options.ts";
import type { z } from "zod";
import { type CleuraShoot, wireShootSchema } from "./shoot.ts";
import { v2ShootSchema } from "./shoot_v2.ts";

export {
  type CleuraShoot,
  cleuraShootSchema,
  type CleuraShootSpec,
  type CleuraShootStatus,
  type ShootCondition,
  type ShootLastOperation,
  type ShootOperationSummary,
  type ShootSummary,
  shootSummarySchema,
  shootVersion,
  type ShootWorker,
  type ShootWorkerSummary,
  summarizeShoot,
} from "./shoot.ts";

/** Which Gardener installation a cluster lives in: the public or the compliant cloud's. */
export type GardenDomain = "public" | "compliant";

/** Where a project's clusters are: its region and id, and the call's options. */
export interface ShootTarget extends SessionCallOptions {
  /** The region, e.g. `sto2` (any case; sent in lower case). */
  region: string;
  /** The project's id. */
  projectId: string;
  /** The Gardener installation (default: from the session's API URL, see {@linkcode gardenDomainFor}). */
  gardenDomain?: GardenDomain;
}

/** One cluster of a project. */
export interface NamedShootTarget extends ShootTarget {
  /** The cluster's name. */
  name: string;
}

/**
 * The Gardener installation of a Cleura API URL: `compliant` for the
 * compliant cloud (`rest.compliant.cleura.cloud`, or any host with
 * `.compliant.` in it), else `public`.
 *
 * @param apiUrl The API's base URL.
 * @returns `public` or `compliant`.
 *
 * @example
 * ```ts
 * import { gardenDomainFor } from "@cloudgate/toolkit";
 *
 * console.log(gardenDomainFor("https://rest.compliant.cleura.cloud")); // compliant
 * console.log(gardenDomainFor("https://rest.cleura.cloud")); // public
 * ```
 */
export function gardenDomainFor(apiUrl: string): GardenDomain {
  let host = apiUrl.toLowerCase();
  try {
    host = new URL(apiUrl).hostname.toLowerCase();
  } catch {
    // Not a URL: look at the text as it is.
  }
  return host === "rest.compliant.cleura.cloud" || host.includes(".compliant.")
    ? "compliant"
    : "public";
}

const REGION = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;
const PROJECT_ID = /^[\w-]{1,128}$/;
// A DNS label, as Kubernetes names are.
const CLUSTER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A value for a message: quoted, escaped, cut to 40 characters. */
export function shown(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function checked(
  value: unknown,
  pattern: RegExp,
  rule: string,
): string {
  if (typeof value === "string" && pattern.test(value)) return value;
  throw new ConfigError(`${rule}, got ${shown(value)}`);
}

/** A checked target: the path of its clusters, and words for messages. */
interface Located {
  /** The clusters' path in each generation. */
  paths: { v1: string; v2: string };
  region: string;
  projectId: string;
  where: string;
  call: SessionCallOptions;
}

/** A cluster's region, project and, for one cluster, its name. */
export interface ShootNames {
  /** The region code, e.g. `sto2`. */
  region: string;
  /** The project id. */
  projectId: string;
  /** The cluster's name. */
  name?: string;
}

/**
 * Checks a cluster's region, project and (when given) name as the API's
 * paths need them, without contacting the API: a tool checks them before it
 * asks the user anything about the cluster.
 *
 * @param target The region, project id and cluster name.
 * @returns The region in lower case, the project id and the name.
 * @throws {ConfigError} Naming the value that is not a region code, a
 * project id or a cluster name.
 *
 * @example
 * ```ts
 * import { checkShootNames } from "@cloudgate/toolkit/cleura";
 *
 * console.log(checkShootNames({ region: "Sto2", projectId: "p1", name: "prod" }));
 * // { region: "sto2", projectId: "p1", name: "prod" }
 * ```
 */
export function checkShootNames(target: ShootNames): ShootNames {
  const region = checked(
    target.region,
    REGION,
    "The region must be a region code such as sto2 (a letter, then at most 31 letters, digits or dashes)",
  ).toLowerCase();
  const projectId = checked(
    target.projectId,
    PROJECT_ID,
    "The project id must be 1 to 128 letters, digits, underscores or dashes",
  );
  if (target.name === undefined) return { region, projectId };
  const name = checked(
    target.name,
    CLUSTER_NAME,
    "The cluster name must be 1 to 63 lower-case letters, digits or dashes, starting and ending with a letter or digit",
  );
  return { region, projectId, name };
}

function locate(session: CleuraSession, target: ShootTarget): Located {
  const { region, projectId, gardenDomain, ...call } = target;
  const names = checkShootNames({ region, projectId });
  const garden = gardenDomain ?? gardenDomainFor(session.apiUrl);
  if (garden !== "public" && garden !== "compliant") {
    throw new ConfigError(
      `The garden domain must be public or compliant, got ${shown(garden)}`,
    );
  }
  const project = encodeURIComponent(names.projectId);
  return {
    paths: {
      v1: `gardener/v1/${garden}/shoot/${names.region}/${project}`,
      v2: `gardener/v2/${garden}/shoots/${names.region}/${project}`,
    },
    region: names.region,
    projectId: names.projectId,
    where: `project "${names.projectId}" in ${names.region}`,
    call,
  };
}

/** A checked cluster: its target, with its name and path. */
export function locateShoot(
  session: CleuraSession,
  target: NamedShootTarget,
): Located & { name: string } {
  const { name, ...rest } = target;
  const located = locate(session, rest);
  const checkedName = checkShootNames({ ...located, name }).name ?? name;
  return {
    ...located,
    paths: {
      v1: `${located.paths.v1}/${checkedName}`,
      v2: `${located.paths.v2}/${checkedName}`,
    },
    name: checkedName,
  };
}

/** Runs a call on one cluster; a 404 becomes a {@linkcode NotFoundError}. */
export async function onShoot<T>(
  shoot: Located & { name: string },
  verb: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    throw new NotFoundError(
      `Cannot ${verb} Kubernetes cluster "${shoot.name}": there is no such cluster in project "${shoot.projectId}", region ${shoot.region} (the API answered 404)`,
      { cause: error },
    );
  }
}

/**
 * Lists the Kubernetes clusters of a project in a region (v2:
 * `GET /gardener/v2/{garden}/shoots/{region}/{projectId}`, read into the same
 * model as v1's `GET /gardener/v1/{garden}/shoot/{region}/{projectId}`). A
 * cluster that cannot be read (no name) is left out with a warning through the
 * session's `onEvent`.
 *
 * @param session The account's session.
 * @param target The region and project; timeout, signal and the `askCode` for a login.
 * @returns The clusters, as the API returns them.
 * @throws {ConfigError} Before any request, when the region or project id is not valid.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listShoots } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * for (const shoot of await listShoots(session, { region: "sto2", projectId: "4fd4c6a1" })) {
 *   console.log(shoot.metadata.name);
 * }
 * ```
 */
export async function listShoots(
  session: CleuraSession,
  target: ShootTarget,
): Promise<CleuraShoot[]> {
  const { paths, where, call } = locate(session, target);
  const step = `list the Kubernetes clusters of ${where}`;
  const read =
    (schema: z.ZodType<CleuraShoot>): CleuraReader<CleuraShoot[]> =>
    (body, source) => [
      ...readElements(unwrapArray(body, source), {
        schema,
        kind: "Kubernetes cluster",
        within: ` of ${where}`,
        onWarning: (message) => session.warn(message),
      }),
    ];
  const { data } = await session.request({
    step,
    v1: { path: paths.v1, read: read(wireShootSchema()) },
    v2: { path: paths.v2, read: read(v2ShootSchema()) },
  }, call);
  return data;
}

/**
 * Gets one Kubernetes cluster (v2: `GET /gardener/v2/{garden}/shoots/{region}
 * /{projectId}/{name}`; v1: `GET /gardener/v1/{garden}/shoot/…/{name}`).
 *
 * @param session The account's session.
 * @param target The region, project and cluster name; timeout, signal and the `askCode`.
 * @returns The cluster, as the API returns it.
 * @throws {ConfigError} Before any request, when the region, project id or name is not valid.
 * @throws {NotFoundError} When there is no such cluster.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, getShoot, summarizeShoot } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * const shoot = await getShoot(session, { region: "sto2", projectId: "4fd4c6a1", name: "prod-cluster" });
 * console.log(summarizeShoot(shoot).ready);
 * ```
 */
export async function getShoot(
  session: CleuraSession,
  target: NamedShootTarget,
): Promise<CleuraShoot> {
  const shoot = locateShoot(session, target);
  const step = `get Kubernetes cluster "${shoot.name}" of ${shoot.where}`;
  const read =
    (schema: z.ZodType<CleuraShoot>): CleuraReader<CleuraShoot> =>
    (body, source) => parseBody(schema, body, source);
  const { data } = await onShoot(
    shoot,
    "get",
    () =>
      session.request({
        step,
        v1: { path: shoot.paths.v1, read: read(wireShootSchema()) },
        v2: { path: shoot.paths.v2, read: read(v2ShootSchema()) },
      }, shoot.call),
  );
  return data;
}

/** Hibernates or wakes a cluster: v1 POSTs, v2 PATCHes, without a body. */
async function changeShoot(
  session: CleuraSession,
  target: NamedShootTarget,
  action: "hibernate" | "wakeup",
): Promise<void> {
  const shoot = locateShoot(session, target);
  const verb = action === "hibernate" ? "hibernate" : "wake up";
  await onShoot(shoot, verb, () =>
    session.request({
      step: `${verb} Kubernetes cluster "${shoot.name}" of ${shoot.where}`,
      v1: {
        path: `${shoot.paths.v1}/${action}`,
        method: "POST",
        ignoreBody: true,
      },
      v2: {
        path: `${shoot.paths.v2}/${action}`,
        method: "PATCH",
        ignoreBody: true,
      },
    }, shoot.call));
}

/**
 * Hibernates a Kubernetes cluster: its workers stop until it is woken
 * (v2 `PATCH …/{name}/hibernate`, v1 `POST`, answered 2xx). The API only accepts the
 * request; {@linkcode getShoot} shows the progress.
 *
 * @param session The account's session.
 * @param target The region, project and cluster name; timeout, signal and the `askCode`.
 * @returns When the API has accepted the request.
 * @throws {ConfigError} Before any request, when the region, project id or name is not valid.
 * @throws {NotFoundError} When there is no such cluster.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, hibernateShoot } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * await hibernateShoot(session, { region: "sto2", projectId: "4fd4c6a1", name: "dev-cluster" });
 * ```
 */
export function hibernateShoot(
  session: CleuraSession,
  target: NamedShootTarget,
): Promise<void> {
  return changeShoot(session, target, "hibernate");
}

/**
 * Wakes a hibernated Kubernetes cluster (v2 `PATCH …/{name}/wakeup`, v1
 * `POST`, answered 2xx). The API only accepts the request; {@linkcode getShoot} shows the
 * progress.
 *
 * @param session The account's session.
 * @param target The region, project and cluster name; timeout, signal and the `askCode`.
 * @returns When the API has accepted the request.
 * @throws {ConfigError} Before any request, when the region, project id or name is not valid.
 * @throws {NotFoundError} When there is no such cluster.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, wakeShoot } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * await wakeShoot(session, { region: "sto2", projectId: "4fd4c6a1", name: "dev-cluster" });
 * ```
 */
export function wakeShoot(
  session: CleuraSession,
  target: NamedShootTarget,
): Promise<void> {
  return changeShoot(session, target, "wakeup");
}
