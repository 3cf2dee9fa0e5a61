/**
 * What the Cleura tools of `cleura.ts` do, loaded on the first call of one.
 *
 * @module
 */

import {
  listAllProjects,
  listDomains,
  listProjects,
  listRegions,
} from "../../lib/cleura/api.ts";
import { ConfigError } from "../../lib/errors.ts";
import { httpOptionsOf } from "../../lib/http.ts";
import { tokenOwner } from "../../lib/cleura/identity.ts";
import { withCleura } from "../cleura_login.ts";
import type { ToolCall } from "../tool.ts";

/** `cleura_list_regions`. */
export function regions(
  { status }: { status?: string | undefined },
  call: ToolCall,
) {
  return withCleura(call, async (session, options) => {
    const regions = await listRegions(session, options);
    return {
      regions: status === undefined
        ? regions
        : regions.filter((r) => r.status === status),
    };
  });
}

/** `cleura_list_domains`. */
export function domains(_args: unknown, call: ToolCall) {
  return withCleura(call, async (session, options) => ({
    domains: await listDomains(session, options),
  }));
}

/** `cleura_list_projects`. */
export function projects(
  { domainId }: { domainId?: string | undefined },
  call: ToolCall,
) {
  return withCleura(call, async (session, options) => {
    if (domainId === undefined) {
      return { projects: await listAllProjects(session, options) };
    }
    const all = await listDomains(session, options);
    const domain = all.find((d) => d.id === domainId);
    if (!domain) {
      throw new ConfigError(
        `No domain "${domainId}" in this account (see cleura_list_domains)`,
      );
    }
    const projects = await listProjects(session, { ...options, domainId });
    return {
      projects: projects.map((p) => ({
        ...p,
        domainId,
        domainName: domain.name,
        regions: domain.area.regions.map((r) => r.region),
      })),
    };
  });
}

/** `cleura_token_status`. */
export async function tokenStatus(_args: unknown, call: ToolCall) {
  const session = await call.ctx.cleura();
  const http = httpOptionsOf({ ...call.ctx.http, signal: call.signal });
  const valid = await session.validate(http);
  const user = valid ? await tokenOwner(session, http) : null;
  return { login: session.login, apiUrl: session.apiUrl, valid, user };
}
