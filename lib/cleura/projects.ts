/**
 * Cleura projects: those of one domain, or those of every domain the account
 * has (fetched in parallel, a few at a time), each with its domain and
 * regions.
 *
 * @module
 */

import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { parseBody, unwrapArray } from "../parse.ts";
import { type CleuraDomain, listDomains } from "./domains.ts";
import type { CleuraSession } from "./session.ts";
import type { SessionCallOptions } from "./session_options.ts";

const idString = z.union([z.string(), z.number()]).transform(String);

// What the API sends (read tolerantly): only `id` and `name` are required; an
// optional field that is missing stays missing, and one of the wrong type
// reads as `null` (unknown) rather than failing the list.
const wireProject = z.looseObject({
  id: idString,
  name: z.string(),
  domain_id: idString.nullable().exactOptional().catch(null),
  enabled: z.boolean().nullable().exactOptional().catch(null),
  default: z.boolean().nullable().exactOptional().catch(null),
  description: z.string().nullable().exactOptional().catch(null),
});

/**
 * A project of a domain. Only `id` and `name` are sure to be there; the rest
 * is missing or `null` when the API does not say, and fields cloudgate does
 * not know pass through.
 */
export interface CleuraProject {
  /** The project's id. */
  id: string;
  /** The project's name. */
  name: string;
  /** The id of the domain it belongs to. */
  domain_id?: string | null;
  /** Whether the project is enabled. */
  enabled?: boolean | null;
  /** Whether it is the domain's default project. */
  default?: boolean | null;
  /** Its description (often empty). */
  description?: string | null;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** A project with its domain and the domain's regions: a row of a projects table. */
export interface CleuraProjectRow extends CleuraProject {
  /** The domain's id. */
  domainId: string;
  /** The domain's name (`null` when the API gives none). */
  domainName: string | null;
  /** The region codes of the domain's area, e.g. `["Sto2"]`. */
  regions: string[];
}

// The fields of a returned project, shared by both schemas below.
const PROJECT_FIELDS = {
  id: z.string(),
  name: z.string(),
  domain_id: z.string().nullable().exactOptional(),
  enabled: z.boolean().nullable().exactOptional(),
  default: z.boolean().nullable().exactOptional()
    .describe("Whether it is the domain's default project"),
  description: z.string().nullable().exactOptional(),
};

/**
 * A project of a domain, as returned (the shape of {@linkcode CleuraProject},
 * for output schemas).
 *
 * @example
 * ```ts
 * import { cleuraProjectSchema } from "./projects.ts";
 *
 * const project = cleuraProjectSchema.parse({ id: "p1", name: "production", default: true });
 * console.log(project.default); // true
 * ```
 */
export const cleuraProjectSchema: z.ZodType<CleuraProject> = z.looseObject(
  PROJECT_FIELDS,
);

/**
 * A project with its domain and regions, as {@linkcode listAllProjects}
 * returns it (the shape of {@linkcode CleuraProjectRow}, for output schemas).
 *
 * @example
 * ```ts
 * import { cleuraProjectRowSchema } from "./projects.ts";
 *
 * const row = cleuraProjectRowSchema.parse({
 *   id: "p1", name: "production", domainId: "79b0", domainName: null, regions: ["Sto2"],
 * });
 * console.log(row.regions); // ["Sto2"]
 * ```
 */
export const cleuraProjectRowSchema: z.ZodType<CleuraProjectRow> = z
  .looseObject({
    ...PROJECT_FIELDS,
    domainId: z.string(),
    domainName: z.string().nullable(),
    regions: z.array(z.string())
      .describe("The region codes of the domain, e.g. Sto2"),
  });

// v2 lists the caller's own projects, grouped by region.
const wireRegionProjects = z.looseObject({
  region: z.looseObject({ tag: z.string() }),
  projects: z.array(wireProject),
});

/** A project and the region codes it is found in. */
interface Located {
  project: CleuraProject;
  regions: string[];
}

/**
 * The projects of one domain (v1: `GET /accesscontrol/v1/openstack/{domainId}
 * /projects`), or (v2: `GET /openstack/identity/v1/current-user/projects`)
 * the caller's own, each once with the regions it is found in; `domainId`
 * keeps only that domain's.
 */
async function fetchProjects(
  session: CleuraSession,
  domainId: string | undefined,
  step: string,
  options: SessionCallOptions,
): Promise<Located[]> {
  const { data } = await session.request<Located[]>({
    step,
    ...(domainId === undefined ? {} : {
      v1: {
        path: `accesscontrol/v1/openstack/${
          encodeURIComponent(domainId)
        }/projects`,
        read: (body, source) =>
          parseBody(z.array(wireProject), unwrapArray(body, source), source)
            .map((project) => ({ project, regions: [] })),
      },
    }),
    v2: {
      path: "openstack/identity/v1/current-user/projects",
      read: (body, source) => byProject(body, source, domainId),
    },
  }, options);
  return data;
}

/** v2's projects by region, each project once with its regions. */
function byProject(
  body: unknown,
  source: { step: string; endpoint: string },
  domainId: string | undefined,
): Located[] {
  const list = unwrapArray(body, source);
  const byId = new Map<string, Located>();
  for (const group of parseBody(z.array(wireRegionProjects), list, source)) {
    for (const project of group.projects) {
      if (domainId !== undefined && project.domain_id !== domainId) continue;
      const seen = byId.get(project.id);
      if (seen) seen.regions.push(group.region.tag);
      else byId.set(project.id, { project, regions: [group.region.tag] });
    }
  }
  return [...byId.values()];
}

/**
 * Lists the projects of one domain (v1:
 * `GET /accesscontrol/v1/openstack/{domainId}/projects`; v2, which lists only
 * the caller's own projects: those of
 * `GET /openstack/identity/v1/current-user/projects` in that domain).
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
  const located = await fetchProjects(session, domainId, step, http);
  // v1 answers 404 for a domain it does not know, v2 lists no project: an
  // empty list is checked against the account's domains.
  if (located.length === 0) {
    const domains = await listDomains(session, http);
    if (!domains.some((d) => d.id === domainId)) {
      throw new ConfigError(
        `Cannot ${step}: the account has no such domain`,
      );
    }
  }
  return located.map((l) => l.project);
}

/** Options of {@linkcode listAllProjects}. */
export interface ListAllProjectsOptions extends SessionCallOptions {
  /**
   * How many domains' projects are asked for at once: 1 to 16 (default 4);
   * a larger or smaller number is brought within that range.
   */
  concurrency?: number;
}

/** The default of {@linkcode ListAllProjectsOptions.concurrency}. */
const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 16;

function concurrencyOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (!Number.isFinite(value)) {
    throw new ConfigError(
      `The concurrency must be a number from 1 to ${MAX_CONCURRENCY}, got ${value}`,
    );
  }
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(value)));
}

function rowsOf(
  domain: CleuraDomain,
  projects: Located[],
): CleuraProjectRow[] {
  const regions = domain.area.regions.map((r) => r.region);
  return projects.map((located) => ({
    ...located.project,
    domainId: domain.id,
    domainName: domain.name,
    regions,
  }));
}

/** v2's rows: one listing of the caller's projects, named after their domains. */
async function v2Rows(
  session: CleuraSession,
  domains: CleuraDomain[],
  call: SessionCallOptions,
): Promise<CleuraProjectRow[]> {
  const located = await fetchProjects(
    session,
    undefined,
    "list your projects",
    call,
  );
  return located.map(({ project, regions }) => {
    const domainId = project.domain_id ?? "";
    const domain = domains.find((d) => d.id === domainId);
    return { ...project, domainId, domainName: domain?.name ?? null, regions };
  });
}

/**
 * Lists the projects of every domain of the account: the domains first, then
 * the projects of each, at most `concurrency` requests at a time. When one
 * domain's request fails, the others are cancelled and its error is thrown
 * (of the same class, e.g. {@linkcode ApiError}); the error's step names the
 * domain: `Cannot list the projects of domain "08db…" (Germany / Frankfurt):
 * the server answered 500`. On v2 one call lists the caller's own projects
 * (`GET /openstack/identity/v1/current-user/projects`), each with the
 * regions it is in; the domains give their names.
 *
 * @param session The account's session.
 * @param options How many requests at once; timeout, signal and the
 * `askCode` for a login.
 * @returns One row per project, with its domain's id, name and region codes,
 * in the order of the domains, then of the API.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listAllProjects } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * for (const p of await listAllProjects(session)) {
 *   console.log(p.id, p.name, p.regions.join(","), p.default ? "(default)" : "");
 * }
 * ```
 */
export async function listAllProjects(
  session: CleuraSession,
  options: ListAllProjectsOptions = {},
): Promise<CleuraProjectRow[]> {
  const { concurrency, ...call } = options;
  const limit = concurrencyOf(concurrency);
  const domains = await listDomains(session, call);
  // The domains' call settled the generation: v2 lists every project at once.
  if (await session.generation(call) === "v2") {
    return await v2Rows(session, domains, call);
  }
  const stop = new AbortController();
  const signal = call.signal
    ? AbortSignal.any([call.signal, stop.signal])
    : stop.signal;
  const rows: CleuraProjectRow[][] = [];
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (failed === undefined && next < domains.length) {
      const index = next++;
      const domain = domains[index]!;
      const area = domain.area.name ? ` (${domain.area.name})` : "";
      try {
        const projects = await fetchProjects(
          session,
          domain.id,
          `list the projects of domain "${domain.id}"${area}`,
          { ...call, signal },
        );
        rows[index] = rowsOf(domain, projects);
      } catch (error) {
        if (failed === undefined) {
          failed = { error };
          stop.abort(error);
        }
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, domains.length) }, worker),
  );
  if (failed !== undefined) throw failed.error;
  return rows.flat();
}
