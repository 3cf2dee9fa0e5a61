/**
 * Cleura API calls: domains, regions (flattened, one row per region) and the
 * projects of a domain. Each takes a {@linkcode CleuraSession}, which logs in
 * when it must.
 *
 * @module
 */

import { z } from "zod";
import { parseBody, unwrapArray } from "../parse.ts";
import type { CleuraSession, SessionCallOptions } from "./session.ts";

const idString = z.union([z.string(), z.number()]).transform(String);

const regionSchema = z.looseObject({
  zone_id: idString,
  name: z.string(),
  status: z.string(),
  region: z.string(),
});

const domainSchema = z.looseObject({
  id: idString,
  name: z.string(),
  status: z.string(),
  enabled: z.boolean(),
  area: z.looseObject({
    id: idString,
    name: z.string(),
    tag: z.string(),
    regions: z.array(regionSchema),
  }),
});

/** A region inside a domain's area, as the API returns it. */
export interface CleuraApiRegion {
  /** The zone's id (a string in the API, e.g. `"2"`). */
  zone_id: string;
  /** A readable name, e.g. `Stockholm / Sweden`. */
  name: string;
  /** The region's status, e.g. `active`. */
  status: string;
  /** The region's code, e.g. `Sto2`. */
  region: string;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** A domain (one per area the account can use), as the API returns it. */
export interface CleuraDomain {
  /** The domain's id. */
  id: string;
  /** The domain's name. */
  name: string;
  /** Its status, e.g. `provisioned`. */
  status: string;
  /** Whether it is enabled. */
  enabled: boolean;
  /** The area the domain lives in, with its regions. */
  area: {
    /** The area's id. */
    id: string;
    /** The area's name, e.g. `Sweden / Stockholm`. */
    name: string;
    /** The area's tag, e.g. `SE_STO2`. */
    tag: string;
    /** The regions of the area. */
    regions: CleuraApiRegion[];
    /** Fields cloudgate does not know yet. */
    [field: string]: unknown;
  };
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** One region, flattened with its area and domain: a row of a regions table. */
export interface CleuraRegion {
  /** The region's code, e.g. `Sto2`. */
  region: string;
  /** A readable name, e.g. `Stockholm / Sweden`. */
  name: string;
  /** The region's status, e.g. `active`. */
  status: string;
  /** The zone's id. */
  zoneId: string;
  /** The area's id. */
  areaId: string;
  /** The area's name. */
  areaName: string;
  /** The area's tag. */
  areaTag: string;
  /** The domain's id. */
  domainId: string;
  /** The domain's name. */
  domainName: string;
  /** The domain's status. */
  domainStatus: string;
  /** Whether the domain is enabled. */
  domainEnabled: boolean;
}

/** A project of a domain. Fields beyond `id` and `name` pass through. */
export interface CleuraProject {
  /** The project's id. */
  id: string;
  /** The project's name. */
  name: string;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

const DOMAINS_PATH = "accesscontrol/v1/openstack/domains";

const projectSchema = z.looseObject({ id: idString, name: z.string() });

/**
 * Parses the body of `GET /accesscontrol/v1/openstack/domains`.
 *
 * @param body The parsed JSON body.
 * @returns The domains.
 * @throws {ResponseFormatError} When the body is not a list of domains.
 *
 * @example
 * ```ts
 * import { parseDomains } from "@cloudgate/toolkit";
 *
 * const domains = parseDomains([{
 *   id: "79b0", name: "CCP_Domain_43597", status: "provisioned", enabled: true,
 *   area: { id: "6", name: "Sweden / Stockholm", tag: "SE_STO2", regions: [] },
 * }]);
 * console.log(domains[0]?.area.tag); // SE_STO2
 * ```
 */
export function parseDomains(body: unknown): CleuraDomain[] {
  return parseBody(z.array(domainSchema), body, {
    step: "list domains",
    endpoint: `/${DOMAINS_PATH}`,
  });
}

/**
 * Flattens domains into one row per region, with its area and domain.
 *
 * @param domains The domains, as {@linkcode listDomains} returns them.
 * @returns The regions, in the API's order.
 *
 * @example
 * ```ts
 * import { flattenRegions } from "@cloudgate/toolkit";
 *
 * const rows = flattenRegions([{
 *   id: "79b0", name: "CCP_Domain_43597", status: "provisioned", enabled: true,
 *   area: {
 *     id: "6", name: "Sweden / Stockholm", tag: "SE_STO2",
 *     regions: [{ zone_id: "2", name: "Stockholm / Sweden", status: "active", region: "Sto2" }],
 *   },
 * }]);
 * console.log(rows[0]?.region, rows[0]?.domainId); // Sto2 79b0
 * ```
 */
export function flattenRegions(
  domains: readonly CleuraDomain[],
): CleuraRegion[] {
  const rows: CleuraRegion[] = [];
  for (const domain of domains) {
    for (const region of domain.area.regions) {
      rows.push({
        region: region.region,
        name: region.name,
        status: region.status,
        zoneId: region.zone_id,
        areaId: domain.area.id,
        areaName: domain.area.name,
        areaTag: domain.area.tag,
        domainId: domain.id,
        domainName: domain.name,
        domainStatus: domain.status,
        domainEnabled: domain.enabled,
      });
    }
  }
  return rows;
}

/**
 * Lists the account's domains (`GET /accesscontrol/v1/openstack/domains`).
 *
 * @param session The account's session.
 * @param options Timeout, signal and the `askCode` for a login.
 * @returns The domains, with their areas and regions.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listDomains } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * for (const domain of await listDomains(session)) console.log(domain.area.name);
 * ```
 */
export async function listDomains(
  session: CleuraSession,
  options: SessionCallOptions = {},
): Promise<CleuraDomain[]> {
  const { body } = await session.request({
    path: DOMAINS_PATH,
    step: "list domains",
  }, options);
  return parseDomains(body);
}

/**
 * Lists the account's regions: one row per region, with its area and domain.
 *
 * @param session The account's session.
 * @param options Timeout, signal and the `askCode` for a login.
 * @returns The regions.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listRegions } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * console.table(await listRegions(session));
 * ```
 */
export async function listRegions(
  session: CleuraSession,
  options: SessionCallOptions = {},
): Promise<CleuraRegion[]> {
  return flattenRegions(await listDomains(session, options));
}

/**
 * Lists the projects of one domain
 * (`GET /accesscontrol/v1/openstack/{domainId}/projects`).
 *
 * @param session The account's session.
 * @param options The domain's id, timeout, signal and the `askCode` for a login.
 * @returns The projects; unknown fields pass through.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listProjects } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * console.log(await listProjects(session, { domainId: "79b0cef45b504586ad0bf057dc4cb8b8" }));
 * ```
 */
export async function listProjects(
  session: CleuraSession,
  options: SessionCallOptions & { domainId: string },
): Promise<CleuraProject[]> {
  const { domainId, ...http } = options;
  const step = `list the projects of domain "${domainId}"`;
  const { body, endpoint } = await session.request({
    path: `accesscontrol/v1/openstack/${encodeURIComponent(domainId)}/projects`,
    step,
  }, http);
  const source = { step, endpoint };
  return parseBody(z.array(projectSchema), unwrapArray(body, source), source);
}
