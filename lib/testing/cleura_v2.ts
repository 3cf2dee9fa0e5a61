/**
 * The emulator's Cleura auth v2 routes, with the same accounts, SMS outbox
 * and tokens as v1: `POST /auth/v2/tokens` (201), `request-sms-code` (204),
 * `tokens-by-sms-code` (200 `{token}`), `GET /identity/v2/current-user`, and
 * the v2 reads: `GET /openstack/identity/v2/domains` (the v1 domains with v2's
 * numeric ids and region `tag`s) and `GET /openstack/identity/v1/current-user
 * /projects` (the same projects, grouped by region).
 * Validation and revocation share v1's routes (`cleura.ts`). Bodies and
 * statuses are those of cleura-client-go's `api/client.gen.go`.
 *
 * @module
 */

import {
  checkSmsCode,
  cleuraToken,
  passwordLogin,
  projectsOf,
  sendSms,
  unauthorized,
} from "./cleura.ts";
import { SEED_CLEURA_DOMAINS } from "./fixtures.ts";
import {
  type EmulatorState,
  errorEnvelope,
  json,
  readJson,
  record,
} from "./state.ts";

/** `POST /auth/v2/tokens {login, password, two_factor_method?}`: 201. */
export async function postTokensV2(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  state.counters.cleuraPasswordPosts++;
  const body = record(await readJson(request));
  if (
    !body || typeof body.login !== "string" ||
    typeof body.password !== "string"
  ) {
    return errorEnvelope(state, 400, "login and password are required");
  }
  return passwordLogin(state, {
    login: body.login,
    password: body.password,
    method: body.two_factor_method,
  }, "v2");
}

/** `POST /auth/v2/request-sms-code {login, verification}`: 204. */
export async function requestSmsCodeV2(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  return sendSms(state, record(await readJson(request)));
}

/** `POST /auth/v2/tokens-by-sms-code {login, verification, code}`: 200 `{token}`. */
export async function tokensBySmsCode(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  const token = checkSmsCode(state, record(await readJson(request)));
  if (token instanceof Response) return token;
  return json(200, { token });
}

/** `GET /identity/v2/current-user`: the token's account (`Common_UserLogin`). */
export function currentUser(state: EmulatorState, request: Request): Response {
  const token = cleuraToken(state, request);
  if (!token) return unauthorized(state);
  const login = state.tokens.get(token)!;
  const index = state.users.findIndex((u) => u.login === login);
  const user = state.users[index];
  return json(200, {
    id: 1000 + index,
    name: login,
    admin: index === 0,
    auth_provider_id: 1,
    currency: { id: 1, code: "SEK", name: "Swedish krona" },
    ip_restrictions: [],
    privileges: { openstack: { type: "full" } },
    ...(user?.secondFactors.includes("sms")
      ? {
        two_factor_login: {
          sms: {
            created: "2026-01-01T00:00:00Z",
            medium: "sms",
            receiver: "+4670000000",
            status: "active",
          },
        },
      }
      : {}),
  });
}

/** A number where v1 has a numeric string, as v2's schema types its ids. */
function numeric(value: unknown): unknown {
  return typeof value === "string" && /^\d+$/.test(value)
    ? Number(value)
    : value;
}

/** A v1 domain in v2's shape: numeric area and region ids, a region `tag`. */
function domainV2(domain: unknown): unknown {
  const d = record(domain);
  const area = record(d?.area);
  if (!d || !area) return domain;
  const regions = Array.isArray(area.regions)
    ? area.regions.map((region) => {
      const r = record(region);
      if (!r) return region;
      const { zone_id, region: tag, status: _status, ...rest } = r;
      return { ...rest, id: numeric(zone_id), tag };
    })
    : area.regions;
  return { ...d, area: { ...area, id: numeric(area.id), regions } };
}

/** `GET /openstack/identity/v2/domains`: the emulator's domains, as v2 sends them. */
export function getDomainsV2(state: EmulatorState, request: Request): Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  let domains: unknown;
  try {
    domains = JSON.parse(state.domainsBody);
  } catch {
    // A body that is not JSON on purpose (a fault test) goes out as it is.
    return new Response(state.domainsBody, { status: 200 });
  }
  return json(200, Array.isArray(domains) ? domains.map(domainV2) : domains);
}

/**
 * `GET /openstack/identity/v1/current-user/projects`: the seed domains'
 * projects, grouped by the regions of each domain's area (v2's shape: no
 * `default`).
 */
export function currentUserProjects(
  state: EmulatorState,
  request: Request,
): Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  const groups = new Map<string, { region: unknown; projects: unknown[] }>();
  const domains = JSON.parse(SEED_CLEURA_DOMAINS) as {
    id: string;
    area: { regions: { zone_id: string; name: string; region: string }[] };
  }[];
  for (const domain of domains) {
    const projects = (projectsOf(state, domain.id) ?? []).map((p) => {
      const { default: _default, ...rest } = p;
      return rest;
    });
    for (const region of domain.area.regions) {
      const group = groups.get(region.region) ?? {
        region: {
          id: Number(region.zone_id),
          name: region.name,
          tag: region.region,
          network_provider: "neutron",
          backup_enabled: true,
          dns_enabled: true,
          object_storage_enabled: true,
        },
        projects: [],
      };
      group.projects.push(...projects);
      groups.set(region.region, group);
    }
  }
  return json(200, [...groups.values()]);
}
