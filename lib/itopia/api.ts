/**
 * itopia CAS API calls: the cloud instances of a deployment.
 *
 * @module
 */

import { ConfigError, ResponseFormatError } from "../errors.ts";
import type { HttpOptions } from "../http.ts";
import { isRecord } from "../is_record.ts";
import { unwrapArray } from "../parse.ts";
import type { ItopiaAuth } from "./auth.ts";
import { ItopiaClient } from "./client.ts";

/**
 * A VM instance of a deployment. The API's exact shape is not documented:
 * every field passes through untouched, and `id`, `name` and `status` are
 * filled from the usual spellings when present.
 */
export interface CloudInstance {
  /** The instance's id, when the API gives one. */
  id?: string | number;
  /** The instance's name, when the API gives one. */
  name?: string;
  /** The instance's status, when the API gives one. */
  status?: string;
  /** Every other field, untouched. */
  [field: string]: unknown;
}

const ALIASES: Record<"id" | "name" | "status", string[]> = {
  id: ["id", "Id", "ID", "instanceId", "InstanceId"],
  name: ["name", "Name", "instanceName", "InstanceName", "displayName"],
  status: ["status", "Status", "state", "State", "powerState", "PowerState"],
};

/**
 * The instance with `id`, `name` and `status` filled from the usual spellings;
 * a name or status given as a number becomes its text.
 *
 * @throws {ResponseFormatError} When one of the three is of another type (an
 * object, a list, a boolean), naming the field: a filter or a table would
 * otherwise trip over it.
 */
function normalize(
  raw: Record<string, unknown>,
  at: string,
  source: { step: string; endpoint: string },
): CloudInstance {
  const instance: CloudInstance = { ...raw };
  for (const [field, names] of Object.entries(ALIASES)) {
    const given = instance[field];
    if (given === undefined || given === null) {
      delete instance[field];
      const found = names.map((n) => raw[n]).find((v) =>
        typeof v === "string" || typeof v === "number"
      );
      if (found !== undefined) {
        instance[field] = field === "id" ? found : String(found);
      }
    } else if (typeof given === "number" && field !== "id") {
      instance[field] = String(given);
    } else if (typeof given !== "string" && typeof given !== "number") {
      throw new ResponseFormatError(
        `Cannot ${source.step}: the response of ${source.endpoint} has an unexpected shape at "${at}.${field}": expected ${
          field === "id" ? "a string or a number" : "a string"
        }, got ${Array.isArray(given) ? "a list" : typeof given}`,
      );
    }
  }
  return instance;
}

/**
 * Parses the body of `GET deployments/{id}/cloudInstances`: a JSON array, or
 * an object that wraps one array.
 *
 * @param body The parsed JSON body.
 * @param deploymentId The deployment, for error messages.
 * @returns The instances.
 * @throws {ResponseFormatError} When the body holds no list of objects, or an
 * instance's id, name or status is of an unusable type (an object, a list).
 *
 * @example
 * ```ts
 * import { parseCloudInstances } from "@cloudgate/toolkit";
 *
 * const list = parseCloudInstances({ items: [{ Id: 1, Name: "vm-1", Status: "Running" }] }, 7);
 * console.log(list[0]?.name, list[0]?.status); // vm-1 Running
 * ```
 */
export function parseCloudInstances(
  body: unknown,
  deploymentId: number,
): CloudInstance[] {
  const source = {
    step: `list the cloud instances of deployment ${deploymentId}`,
    endpoint: instancesPath(deploymentId),
  };
  const list = unwrapArray(body, source);
  const instances: CloudInstance[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isRecord(item)) {
      throw new ResponseFormatError(
        `Cannot ${source.step}: the response of ${source.endpoint} has an unexpected shape at "${i}": expected an object`,
      );
    }
    instances[i] = normalize(item, String(i), source);
  }
  return instances;
}

function instancesPath(deploymentId: number): string {
  return `deployments/${deploymentId}/cloudInstances`;
}

/**
 * Lists the VM instances of a deployment
 * (`GET deployments/{deploymentId}/cloudInstances`). On a 401 the token is
 * dropped and one fresh token is tried.
 *
 * @param source The bearer token source, or a client made from one.
 * @param options The deployment's id; timeout and signal (default: the
 * provider's own).
 * @returns The instances.
 * @throws {ConfigError} When the deployment id is not a positive integer.
 * @throws {ApiError} When the API refuses.
 *
 * @example
 * ```ts ignore
 * import { ItopiaAuth, listCloudInstances } from "@cloudgate/toolkit";
 *
 * const auth = new ItopiaAuth({
 *   apiUrl: "https://cas-rest.itopia.com/api/v2",
 *   apiKey: Deno.env.get("ITOPIA_API_KEY")!,
 *   organizationId: 42,
 * });
 * console.log(await listCloudInstances(auth, { deploymentId: 7 }));
 * ```
 */
export async function listCloudInstances(
  source: ItopiaAuth | ItopiaClient,
  options: HttpOptions & { deploymentId: number },
): Promise<CloudInstance[]> {
  const { deploymentId, ...http } = options;
  if (!Number.isSafeInteger(deploymentId) || deploymentId <= 0) {
    throw new ConfigError("deploymentId must be a positive whole number");
  }
  const { body } = await ItopiaClient.of(source).request({
    path: instancesPath(deploymentId),
    step: `list the cloud instances of deployment ${deploymentId}`,
  }, http);
  return parseCloudInstances(body, deploymentId);
}

/** Filters of {@linkcode selectInstances}. */
export interface InstanceQuery {
  /** Only instances with this status (case-insensitive). */
  status?: string;
  /** Only instances whose name contains this (case-insensitive). */
  nameContains?: string;
  /** How many to skip (default 0). */
  offset?: number;
  /** How many to return at most (default all). */
  limit?: number;
}

/** A page of instances. */
export interface InstancePage {
  /** How many instances match the filters, in all pages. */
  total: number;
  /** The instances of this page. */
  instances: CloudInstance[];
  /** The offset of the next page, when there is one. */
  nextOffset?: number;
}

/**
 * Filters instances by status and name, and cuts one page.
 *
 * @param instances The instances, as {@linkcode listCloudInstances} returns them.
 * @param query The filters, offset and limit.
 * @returns The page, the total that match, and the next page's offset.
 *
 * @example
 * ```ts
 * import { selectInstances } from "@cloudgate/toolkit";
 *
 * const page = selectInstances(
 *   [{ name: "vm-1", status: "Running" }, { name: "vm-2", status: "Stopped" }],
 *   { status: "running", limit: 10 },
 * );
 * console.log(page.total, page.instances[0]?.name); // 1 vm-1
 * ```
 */
export function selectInstances(
  instances: readonly CloudInstance[],
  query: InstanceQuery = {},
): InstancePage {
  const status = query.status?.toLowerCase();
  const name = query.nameContains?.toLowerCase();
  const matches = status === undefined && name === undefined
    ? instances
    : instances.filter((i) =>
      (status === undefined || i.status?.toLowerCase() === status) &&
      (name === undefined || (i.name ?? "").toLowerCase().includes(name))
    );
  const offset = query.offset ?? 0;
  const end = query.limit === undefined
    ? matches.length
    : Math.min(matches.length, offset + query.limit);
  const page: InstancePage = {
    total: matches.length,
    instances: matches.slice(offset, end),
  };
  if (end < matches.length) page.nextOffset = end;
  return page;
}
