/**
 * The emulator's router: counts each request, serves a queued fault if one
 * matches, then finds the route of its method and path. Paths under
 * `/api/v2/` are itopia's (without that prefix); the rest are Cleura's.
 *
 * @module
 */

import * as cleura from "./cleura.ts";
import * as v2 from "./cleura_v2.ts";
import { serveFault, takeFault } from "./faults.ts";
import * as gardener from "./gardener.ts";
import * as gardenerV2 from "./gardener_v2.ts";
import * as itopia from "./itopia.ts";
import { type EmulatorState, errorEnvelope, type Route } from "./state.ts";

/**
 * A route, the method and path (exact, or a pattern) it answers, and the
 * Cleura API generation it belongs to (switched off by `cleuraGenerations`).
 */
interface RouteEntry {
  method: string;
  path: string | RegExp;
  route: Route;
  generation?: "v1" | "v2";
}

/** Marks routes as one generation's. */
function of(generation: "v1" | "v2", routes: RouteEntry[]): RouteEntry[] {
  return routes.map((entry) => ({ ...entry, generation }));
}

const CLEURA_ROUTES: RouteEntry[] = [
  ...of("v2", [
    { method: "POST", path: "/auth/v2/tokens", route: v2.postTokensV2 },
    {
      method: "POST",
      path: "/auth/v2/request-sms-code",
      route: v2.requestSmsCodeV2,
    },
    {
      method: "POST",
      path: "/auth/v2/tokens-by-sms-code",
      route: v2.tokensBySmsCode,
    },
    {
      method: "POST",
      path: "/auth/v2/tokens/validate",
      route: cleura.validateToken,
    },
    { method: "DELETE", path: "/auth/v2/tokens", route: cleura.deleteToken },
    { method: "GET", path: "/identity/v2/current-user", route: v2.currentUser },
    {
      method: "GET",
      path: "/openstack/identity/v2/domains",
      route: v2.getDomainsV2,
    },
    {
      method: "GET",
      path: "/openstack/identity/v1/current-user/projects",
      route: v2.currentUserProjects,
    },
    ...gardenerRoutes("v2"),
  ]),
  ...of("v1", v1Routes()),
];

/** The v1 routes: the seed's auth, domains, projects and Gardener paths. */
function v1Routes(): RouteEntry[] {
  return [
    { method: "POST", path: "/auth/v1/tokens", route: cleura.postTokens },
    {
      method: "POST",
      path: "/auth/v1/tokens/request2facode",
      route: cleura.request2fa,
    },
    {
      method: "POST",
      path: "/auth/v1/tokens/verify2fa",
      route: cleura.verify2fa,
    },
    {
      method: "POST",
      path: "/auth/v1/tokens/validate",
      route: cleura.validateToken,
    },
    { method: "DELETE", path: "/auth/v1/tokens", route: cleura.deleteToken },
    {
      method: "GET",
      path: "/accesscontrol/v1/openstack/domains",
      route: cleura.getDomains,
    },
    {
      method: "GET",
      path: /^\/accesscontrol\/v1\/openstack\/([^/]+)\/projects$/,
      route: cleura.getProjects,
    },
    ...gardenerRoutes("v1"),
  ];
}

/**
 * One generation's Gardener routes: v1's `/gardener/v1/<garden>/shoot/…`
 * with `POST` actions and `adminkubeconfig`, v2's `/gardener/v2/<garden>
 * /shoots/…` with `PATCH` actions and `admin-kubeconfig`.
 */
function gardenerRoutes(generation: "v1" | "v2"): RouteEntry[] {
  const v1 = generation === "v1";
  const base = `^/gardener/${generation}/(public|compliant)/${
    v1 ? "shoot" : "shoots"
  }/([^/]+)/([^/]+)`;
  const at = (tail: string) => new RegExp(`${base}${tail}$`);
  const reads = v1 ? gardener.V1_SHOOT_READS : gardenerV2.V2_SHOOT_READS;
  const action = v1 ? "POST" : "PATCH";
  return [
    { method: "GET", path: at(""), route: reads.list },
    { method: "GET", path: at("/([^/]+)"), route: reads.get },
    {
      method: action,
      path: at("/([^/]+)/hibernate"),
      route: gardener.hibernateShoot,
    },
    { method: action, path: at("/([^/]+)/wakeup"), route: gardener.wakeShoot },
    {
      method: "POST",
      path: at(v1 ? "/([^/]+)/adminkubeconfig" : "/([^/]+)/admin-kubeconfig"),
      route: v1 ? gardener.adminKubeconfig : gardenerV2.adminKubeconfigV2,
    },
  ];
}

const ITOPIA_PREFIX = "/api/v2";

const ITOPIA_ROUTES: RouteEntry[] = [
  { method: "POST", path: "/accounts/login/", route: itopia.postLogin },
  {
    method: "GET",
    path: /^\/deployments\/([^/]+)\/cloudInstances\/?$/,
    route: itopia.getCloudInstances,
  },
];

/** The captured groups if a route's path matches, else `undefined`. */
function matchPath(
  pattern: string | RegExp,
  path: string,
): string[] | undefined {
  if (typeof pattern === "string") return pattern === path ? [] : undefined;
  return pattern.exec(path)?.slice(1);
}

/** Answers a request from one API's routes, or 404 if none is its. */
function dispatch(
  state: EmulatorState,
  routes: readonly RouteEntry[],
  request: Request,
  path: string,
): Response | Promise<Response> {
  const on = state.options.cleuraGenerations ?? ["v1", "v2"];
  for (const { method, path: pattern, route, generation } of routes) {
    if (method !== request.method) continue;
    if (generation && !on.includes(generation)) continue;
    const params = matchPath(pattern, path);
    if (params) return route(state, request, params);
  }
  return errorEnvelope(state, 404, `No route for ${request.method} ${path}`);
}

/** Answers one request to the emulator, counting those in flight. */
export async function handle(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  state.inFlight++;
  state.counters.maxInFlight = Math.max(
    state.counters.maxInFlight,
    state.inFlight,
  );
  try {
    return await answer(state, request);
  } finally {
    state.inFlight--;
  }
}

/** Counts a request, serves a fault if one is queued for it, else routes it. */
async function answer(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  const { pathname } = new URL(request.url);
  const { counters } = state;
  counters.requests++;
  const key = `${request.method} ${pathname}`;
  counters.byRoute[key] = (counters.byRoute[key] ?? 0) + 1;
  const fault = takeFault(state, request.method, pathname);
  if (fault) {
    const response = await serveFault(state, fault, request);
    if (response) return response;
  }
  if (pathname.startsWith(`${ITOPIA_PREFIX}/`)) {
    const path = pathname.slice(ITOPIA_PREFIX.length);
    return await dispatch(state, ITOPIA_ROUTES, request, path);
  }
  return await dispatch(state, CLEURA_ROUTES, request, pathname);
}
