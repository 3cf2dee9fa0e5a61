/**
 * Cleura API calls: domains and regions (flattened, one row per region). Each
 * takes a {@linkcode CleuraSession}, which logs in when it must.
 *
 * @module
 */

import { z } from "zod";
import { unwrapArray } from "../parse.ts";
import { readElements } from "./elements.ts";
import type { CleuraSession } from "./session.ts";
import type { SessionCallOptions } from "./session_options.ts";

const idString = z.union([z.string(), z.number()]).transform(String);
const maybeString = z.string().nullish().transform((v) => v ?? null);
const maybeBoolean = z.boolean().nullish().transform((v) => v ?? null);

// What the API sends (read tolerantly). Only what an element needs to be
// listed is required; the v2 schema makes a domain's `name` and `enabled`
// optional, and a domain may carry an `error`.
const wireRegion = z.looseObject({
  zone_id: idString,
  name: z.string(),
  status: z.string(),
  region: z.string(),
});
// v2 names a region by its `tag` and numbers it by `id`, with no status: read
// into the same shape (`zone_id`, `region`, `status: null`).
const wireRegionV2 = z.looseObject({
  id: idString,
  name: z.string(),
  tag: z.string(),
}).transform(({ id, tag, ...rest }) => ({
  ...rest,
  zone_id: id,
  region: tag,
  status: null,
}));
const wireDomain = z.looseObject({
  id: idString,
  name: maybeString,
  status: maybeString,
  enabled: maybeBoolean,
  area: z.looseObject({
    id: idString,
    name: z.string(),
    tag: maybeString,
    regions: z.array(z.unknown()).nullish().transform((v) => v ?? []),
  }),
});

/** A region inside a domain's area, as the API returns it. */
export interface CleuraApiRegion {
  /** The zone's id (a string in the API, e.g. `"2"`). */
  zone_id: string;
  /** A readable name, e.g. `Stockholm / Sweden`. */
  name: string;
  /** The region's status, e.g. `active` (`null` from v2, which gives none). */
  status: string | null;
  /** The region's code, e.g. `Sto2`. */
  region: string;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** A domain (one per area the account can use), as the API returns it. */
export interface CleuraDomain {
  /** The domain's id. */
  id: string;
  /** The domain's name (`null` when the API gives none). */
  name: string | null;
  /** Its status, e.g. `provisioned` (`null` when the API gives none). */
  status: string | null;
  /** Whether it is enabled (`null` when the API does not say). */
  enabled: boolean | null;
  /** The area the domain lives in, with its regions. */
  area: {
    /** The area's id. */
    id: string;
    /** The area's name, e.g. `Sweden / Stockholm`. */
    name: string;
    /** The area's tag, e.g. `SE_STO2` (`null` when the API gives none). */
    tag: string | null;
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
  /** The region's status, e.g. `active` (`null` from v2, which gives none). */
  status: string | null;
  /** The zone's id. */
  zoneId: string;
  /** The area's id. */
  areaId: string;
  /** The area's name. */
  areaName: string;
  /** The area's tag. */
  areaTag: string | null;
  /** The domain's id. */
  domainId: string;
  /** The domain's name. */
  domainName: string | null;
  /** The domain's status. */
  domainStatus: string | null;
  /** Whether the domain is enabled. */
  domainEnabled: boolean | null;
}

// The one declaration of each returned shape, for parsing and for the MCP
// tools' output schemas. The exported interfaces above are the same shapes
// written out, as JSR's public API needs explicit types; each schema is
// typed with its interface, so the compiler keeps the two in step.

/** A region inside a domain's area, as returned. */
export const cleuraApiRegionSchema: z.ZodType<CleuraApiRegion> = z.looseObject({
  zone_id: z.string(),
  name: z.string(),
  status: z.string().nullable(),
  region: z.string(),
});

/** A domain with its area and regions, as returned. */
export const cleuraDomainSchema: z.ZodType<CleuraDomain> = z.looseObject({
  id: z.string(),
  name: z.string().nullable(),
  status: z.string().nullable(),
  enabled: z.boolean().nullable(),
  area: z.looseObject({
    id: z.string(),
    name: z.string(),
    tag: z.string().nullable(),
    regions: z.array(cleuraApiRegionSchema),
  }),
});

/** One region with its area and domain, as returned. */
export const cleuraRegionSchema: z.ZodType<CleuraRegion> = z.object({
  region: z.string().describe("The region's code, e.g. Sto2"),
  name: z.string(),
  status: z.string().nullable(),
  zoneId: z.string(),
  areaId: z.string(),
  areaName: z.string(),
  areaTag: z.string().nullable(),
  domainId: z.string(),
  domainName: z.string().nullable(),
  domainStatus: z.string().nullable(),
  domainEnabled: z.boolean().nullable(),
});

const DOMAINS_PATHS = {
  v1: "accesscontrol/v1/openstack/domains",
  v2: "openstack/identity/v2/domains",
} as const;

/**
 * Parses the body of `GET /accesscontrol/v1/openstack/domains` (or, with
 * `generation` `v2`, of `GET /openstack/identity/v2/domains`, whose regions
 * are read into the same shape), one element at a time: a domain or region that cannot be read is left out with one warning
 * naming it, so one odd element never fails the whole list. Fields cloudgate
 * does not know pass through untouched; a domain's `name`, `status` and
 * `enabled` may be missing or `null`.
 *
 * @param body The parsed JSON body.
 * @param onWarning Called with each element left out.
 * @param generation The API generation that sent it (default `v1`).
 * @returns The domains.
 * @throws {ResponseFormatError} When the body is not a list.
 *
 * @example
 * ```ts
 * import { parseDomains } from "@cloudgate/toolkit";
 *
 * const domains = parseDomains([{
 *   id: "79b0", name: null, status: "provisioned", enabled: true,
 *   area: { id: "6", name: "Sweden / Stockholm", tag: "SE_STO2", regions: [] },
 * }, "not a domain"], (warning) => console.log(warning));
 * // Left out domain 2 of the list: it is not an object
 * console.log(domains.length, domains[0]?.name); // 1 null
 * ```
 */
export function parseDomains(
  body: unknown,
  onWarning: (message: string) => void = () => {},
  generation: "v1" | "v2" = "v1",
): CleuraDomain[] {
  const source = {
    step: "list domains",
    endpoint: `/${DOMAINS_PATHS[generation]}`,
  };
  const domains: CleuraDomain[] = [];
  const list = unwrapArray(body, source);
  const read = readElements(list, {
    schema: wireDomain,
    kind: "domain",
    onWarning,
  });
  for (const domain of read) {
    const regions = [...readElements(domain.area.regions, {
      schema: generation === "v2" ? wireRegionV2 : wireRegion,
      kind: "region",
      within: ` of domain "${domain.id}"`,
      onWarning,
    })];
    domains.push(
      { ...domain, area: { ...domain.area, regions } } as CleuraDomain,
    );
  }
  return domains;
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
 * Lists the account's domains (v2: `GET /openstack/identity/v2/domains`; v1:
 * `GET /accesscontrol/v1/openstack/domains`).
 *
 * @param session The account's session.
 * @param options Timeout, signal and the `askCode` for a login.
 * @returns The domains, with their areas and regions; an element that cannot
 * be read is left out with a warning through the session's `onEvent`.
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
  const warn = (message: string) => session.warn(message);
  const { data } = await session.request({
    step: "list domains",
    v1: { path: DOMAINS_PATHS.v1, read: (body) => parseDomains(body, warn) },
    v2: {
      path: DOMAINS_PATHS.v2,
      read: (body) => parseDomains(body, warn, "v2"),
    },
  }, options);
  return data;
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
