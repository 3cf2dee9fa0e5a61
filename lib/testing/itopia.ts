/**
 * The emulator's itopia CAS API routes: the login method and the cloud
 * instances of a deployment, with JWTs checked against the API keys. Each
 * route is a function of the emulator's state and the request.
 *
 * @module
 */

import { decodeJwt, jwtVerify, SignJWT } from "jose";
import type { EmulatedDeployment } from "./emulator.ts";
import {
  type EmulatorState,
  errorEnvelope,
  hostile,
  hostileStrings,
  json,
  readJson,
  record,
} from "./state.ts";

const STATUSES = ["Running", "Running", "Running", "Stopped", "Deallocated"];

/**
 * The generated instances of a deployment, as the emulator serves them.
 *
 * @param deployment The deployment.
 * @returns Its instances.
 *
 * @example
 * ```ts
 * import { emulatedInstances } from "@cloudgate/toolkit/testing";
 *
 * const list = emulatedInstances({ id: 101, organizationId: 42, instanceCount: 5 });
 * console.log(list.length, list[0]?.name); // 5 vm-101-0001
 * ```
 */
export function emulatedInstances(
  deployment: EmulatedDeployment,
): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [];
  for (let i = 1; i <= deployment.instanceCount; i++) {
    list.push({
      id: deployment.id * 100_000 + i,
      name: `vm-${deployment.id}-${String(i).padStart(4, "0")}`,
      status: STATUSES[i % STATUSES.length],
      instanceType: i % 2 === 0 ? "n2-standard-4" : "e2-standard-2",
      zone: "us-central1-a",
      privateIp: `10.${deployment.id % 256}.${Math.floor(i / 256)}.${i % 256}`,
      sessionHost: i % 3 !== 0,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
  }
  return list;
}

/** A generated instance made hostile, with a hostile key among its fields. */
function hostileInstance(
  instance: Record<string, unknown>,
): Record<string, unknown> {
  const { id, name, status, ...rest } = instance;
  return hostileStrings({
    id,
    name,
    status,
    [hostile("note")]: "from the emulator",
    ...rest,
  }, ["id"]) as Record<string, unknown>;
}

/** `POST /accounts/login/`: an admin's login, answered with a JWT. */
export async function postLogin(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  state.counters.itopiaLogins++;
  const body = record(await readJson(request));
  const admin = state.admins.find((a) =>
    a.username === body?.username && a.password === body?.password
  );
  if (!admin) return errorEnvelope(state, 401, "Invalid username or password");
  const ttl = state.itopiaTtlSeconds;
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    organizationId: admin.organizationId,
    username: admin.username,
  }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setAudience("Itopia")
    .setIssuedAt(iat).setExpirationTime(iat + ttl).sign(state.serverSecret);
  const style = state.options.itopiaExpiration ?? "epoch-seconds";
  return json(200, {
    Cielo_Token: token,
    Cielo_Expiration_Token: style === "epoch-ms"
      ? (iat + ttl) * 1000
      : style === "lifetime-seconds"
      ? ttl
      : iat + ttl,
  });
}

/** The secrets a JWT of an organization may be signed with, and their scope. */
function signingCandidates(
  state: EmulatorState,
  organizationId: unknown,
): { secret: Uint8Array; scope: "all" | number[] }[] {
  const candidates: { secret: Uint8Array; scope: "all" | number[] }[] = [
    { secret: state.serverSecret, scope: "all" },
  ];
  for (const key of state.apiKeys) {
    if (key.organizationId === organizationId) {
      candidates.push({
        secret: new TextEncoder().encode(key.key),
        scope: key.deployments,
      });
    }
  }
  return candidates;
}

/** The verified claims of the request's bearer JWT, or the error answer. */
async function itopiaClaims(
  state: EmulatorState,
  request: Request,
): Promise<Record<string, unknown> | Response> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match) {
    return errorEnvelope(state, 401, "Authorization: Bearer <JWT> is required");
  }
  const jwt = match[1]!;
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(jwt);
  } catch {
    return errorEnvelope(state, 401, "Malformed JWT");
  }
  for (
    const { secret, scope } of signingCandidates(
      state,
      unverified.organizationId,
    )
  ) {
    try {
      const { payload } = await jwtVerify(jwt, secret, {
        algorithms: ["HS256"],
        audience: "Itopia",
        requiredClaims: ["iat", "exp"],
      });
      if (
        typeof payload.organizationId !== "number" ||
        !Number.isInteger(payload.organizationId)
      ) {
        return errorEnvelope(state, 401, "organizationId must be an integer");
      }
      return { ...payload, apiKeyScope: scope };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ERR_JWT_EXPIRED") {
        return errorEnvelope(state, 401, "Token expired");
      }
      if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
        return errorEnvelope(
          state,
          401,
          `Invalid claim: ${(error as Error).message}`,
        );
      }
    }
  }
  return errorEnvelope(state, 401, "Invalid token signature");
}

/** A deployment's instances, generated once and kept. */
function cachedInstances(
  state: EmulatorState,
  deployment: EmulatedDeployment,
): Record<string, unknown>[] {
  let list = state.instanceCache.get(deployment.id);
  if (!list) {
    list = emulatedInstances(deployment);
    if (state.options.hostileText) list = list.map(hostileInstance);
    state.instanceCache.set(deployment.id, list);
  }
  return list;
}

/** `GET /deployments/<id>/cloudInstances`: the instances the token may see. */
export async function getCloudInstances(
  state: EmulatorState,
  request: Request,
  [deploymentId]: readonly string[],
): Promise<Response> {
  const claims = await itopiaClaims(state, request);
  if (claims instanceof Response) return claims;
  const id = Number(deploymentId);
  const deployment = state.deployments.find((d) => d.id === id);
  if (!deployment) return errorEnvelope(state, 404, "Deployment not found");
  const scope = claims.apiKeyScope;
  if (
    deployment.organizationId !== claims.organizationId ||
    (Array.isArray(scope) && !scope.includes(id)) ||
    (claims.deploymentId !== undefined && claims.deploymentId !== id)
  ) {
    return errorEnvelope(
      state,
      403,
      "The token has no access to this deployment",
    );
  }
  const list = cachedInstances(state, deployment);
  return state.options.instancesShape === "wrapped"
    ? json(200, { items: list, total: list.length })
    : json(200, list);
}
