/**
 * The emulator's Cleura REST API routes: password login, SMS two-factor,
 * token validation and revocation, domains and projects (the Gardener routes
 * are in `gardener.ts`). Each route is a function of the emulator's state and
 * the request.
 *
 * @module
 */

import { SEED_CLEURA_DOMAINS } from "./fixtures.ts";
import type { EmulatorOptions } from "./emulator.ts";
import {
  type EmulatorState,
  errorEnvelope,
  hostileStrings,
  json,
  JSON_HEADERS,
  noContent,
  randomToken,
  readJson,
  record,
  type Verification,
} from "./state.ts";

/** The body of the domains list for these options, settled at start. */
export function cleuraDomainsBody(options: EmulatorOptions): string {
  const body = options.domains === undefined
    ? SEED_CLEURA_DOMAINS
    : JSON.stringify(options.domains);
  return options.hostileText
    ? JSON.stringify(hostileStrings(JSON.parse(body), ["id", "zone_id"]))
    : body;
}

/** Issues a Cleura token for a login (a chosen one, if given). */
export function issueCleuraToken(
  state: EmulatorState,
  login: string,
  chosen?: string,
): string {
  const token = chosen ?? randomToken(32);
  state.tokens.set(token, login);
  return token;
}

/** Invalidates the Cleura tokens of one login, or all. */
export function expireCleuraTokens(state: EmulatorState, login?: string): void {
  for (const [token, owner] of state.tokens) {
    if (login === undefined || owner === login) state.tokens.delete(token);
  }
}

/** The request's live token, if its `X-AUTH-*` headers carry one. */
export function cleuraToken(
  state: EmulatorState,
  request: Request,
): string | undefined {
  const login = request.headers.get("x-auth-login");
  const token = request.headers.get("x-auth-token");
  if (!login || !token) return undefined;
  return state.tokens.get(token) === login ? token : undefined;
}

/** The answer to a rejected token: 403 "Invalid token" unless told 401. */
export function unauthorized(state: EmulatorState): Response {
  const status = state.rejectedTokenStatus;
  return errorEnvelope(
    state,
    status,
    status === 403 ? "Invalid token" : "Invalid or expired token",
  );
}

/** A completed login: counted, with a fresh token. */
export function completeLogin(state: EmulatorState, login: string): string {
  state.counters.cleuraLogins++;
  return issueCleuraToken(state, login);
}

/** The object under `key` in the request's JSON body, if there is one. */
async function bodyPart(
  request: Request,
  key: string,
): Promise<Record<string, unknown> | undefined> {
  return record(record(await readJson(request))?.[key]);
}

/** The fields of a password login, in either generation's names. */
export interface PasswordLogin {
  /** The login. */
  login: string;
  /** The password. */
  password: string;
  /** The second factor asked for (`twofa_method` or `two_factor_method`). */
  method: unknown;
}

/**
 * A password login's answer in both generations (v1 answers 200, v2 201; a
 * wrong password is 401 on v1 and 400 on v2, the only error status v2's
 * spec declares for this call). Counted as one password post.
 */
export function passwordLogin(
  state: EmulatorState,
  { login, password, method: asked }: PasswordLogin,
  generation: "v1" | "v2",
): Response {
  const ok = generation === "v1" ? 200 : 201;
  const user = state.users.find((u) =>
    u.login === login && u.password === password
  );
  if (!user) {
    const status = generation === "v1" ? 401 : 400;
    return errorEnvelope(state, status, "Invalid login or password");
  }
  if (user.secondFactors.length === 0) {
    return json(ok, {
      result: "login_ok",
      token: completeLogin(state, user.login),
    });
  }
  const plain = user.plainLogin ??
    (user.secondFactors.length === 1 && user.secondFactors[0] === "sms"
      ? "twofactor_required"
      : "twofactor_options");
  const method = asked ?? (plain === "twofactor_required" ? "sms" : undefined);
  if (method === undefined) {
    return json(ok, {
      result: "twofactor_options",
      options: user.secondFactors,
    });
  }
  if (method !== "sms" || !user.secondFactors.includes("sms")) {
    return errorEnvelope(
      state,
      400,
      `Two-factor method "${String(method)}" is not available`,
    );
  }
  const verification = randomToken(10);
  state.verifications.set(verification, {
    login: user.login,
    expiresAt: Date.now() + state.verificationTtlMs,
    attempts: 0,
  });
  return json(ok, { result: "twofactor_required", type: "sms", verification });
}

/** `POST /auth/v1/tokens`: a password login, maybe starting SMS 2FA. */
export async function postTokens(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  state.counters.cleuraPasswordPosts++;
  const auth = await bodyPart(request, "auth");
  if (
    !auth || typeof auth.login !== "string" ||
    typeof auth.password !== "string"
  ) {
    return errorEnvelope(
      state,
      400,
      "auth.login and auth.password are required",
    );
  }
  return passwordLogin(state, {
    login: auth.login,
    password: auth.password,
    method: auth.twofa_method,
  }, "v1");
}

/** The live verification a two-factor body names, or the error answer. */
function liveVerification(
  state: EmulatorState,
  login: unknown,
  verification: unknown,
): Verification | Response {
  if (typeof login !== "string" || typeof verification !== "string") {
    return errorEnvelope(state, 400, "login and verification are required");
  }
  const entry = state.verifications.get(verification);
  if (!entry || entry.login !== login) {
    return errorEnvelope(state, 400, "Invalid verification");
  }
  if (entry.expiresAt <= Date.now()) {
    state.verifications.delete(verification);
    return errorEnvelope(state, 400, "Verification expired");
  }
  return entry;
}

function sixDigits(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000;
}

/** "Sends" the SMS of a live verification to the outbox: 204, or the error. */
export function sendSms(
  state: EmulatorState,
  body: Record<string, unknown> | undefined,
): Response {
  const entry = liveVerification(state, body?.login, body?.verification);
  if (entry instanceof Response) return entry;
  entry.code = state.options.smsCode?.() ?? sixDigits();
  state.counters.smsSent++;
  const sms = {
    login: entry.login,
    code: entry.code,
    verification: String(body?.verification),
    sentAt: new Date(),
  };
  state.outbox.push(sms);
  state.options.onSms?.(sms);
  return noContent();
}

/** `POST /auth/v1/tokens/request2facode`: "sends" an SMS to the outbox. */
export async function request2fa(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  return sendSms(state, await bodyPart(request, "request2fa"));
}

/**
 * Checks an SMS code (a JSON integer; three tries per SMS), counted: the
 * token of the completed login, or the error answer (400, as both
 * generations declare).
 */
export function checkSmsCode(
  state: EmulatorState,
  body: Record<string, unknown> | undefined,
): string | Response {
  state.counters.smsVerifications++;
  if (body && typeof body.code !== "number") {
    return errorEnvelope(state, 400, "code must be an integer");
  }
  const entry = liveVerification(state, body?.login, body?.verification);
  if (entry instanceof Response) return entry;
  if (entry.code === undefined) {
    return errorEnvelope(
      state,
      400,
      "No code was requested for this verification",
    );
  }
  if (body?.code !== entry.code) {
    entry.attempts++;
    if (entry.attempts >= 3) {
      state.verifications.delete(String(body?.verification));
    }
    return errorEnvelope(state, 400, "Invalid two-factor code");
  }
  state.verifications.delete(String(body?.verification));
  return completeLogin(state, entry.login);
}

/** `POST /auth/v1/tokens/verify2fa`: checks an SMS code; three tries. */
export async function verify2fa(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  const token = checkSmsCode(state, await bodyPart(request, "verify2fa"));
  if (token instanceof Response) return token;
  return json(200, { result: "login_ok", token });
}

/** `POST /auth/v{1,2}/tokens/validate`: 204 for a live token. */
export function validateToken(
  state: EmulatorState,
  request: Request,
): Response {
  return cleuraToken(state, request) ? noContent() : unauthorized(state);
}

/** `DELETE /auth/v{1,2}/tokens`: revokes the request's token (204). */
export function deleteToken(state: EmulatorState, request: Request): Response {
  const token = cleuraToken(state, request);
  if (!token) return unauthorized(state);
  state.tokens.delete(token);
  return noContent();
}

/** `GET /accesscontrol/v1/openstack/domains`: the domains list. */
export function getDomains(state: EmulatorState, request: Request): Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  return new Response(state.domainsBody, {
    status: 200,
    headers: JSON_HEADERS,
  });
}

/**
 * `GET /accesscontrol/v1/openstack/<domain>/projects`: two per domain, the
 * first ("production") the domain's default.
 */
export function getProjects(
  state: EmulatorState,
  request: Request,
  [encodedDomainId]: readonly string[],
): Response {
  if (!cleuraToken(state, request)) return unauthorized(state);
  const list = projectsOf(state, decodeURIComponent(encodedDomainId!));
  return list ? json(200, list) : errorEnvelope(state, 404, "Domain not found");
}

/** The projects of a seed domain (v1's shape), or `undefined` for another id. */
export function projectsOf(
  state: EmulatorState,
  domainId: string,
): Record<string, unknown>[] | undefined {
  const domains = JSON.parse(SEED_CLEURA_DOMAINS) as { id: string }[];
  const index = domains.findIndex((d) => d.id === domainId);
  if (index < 0) return undefined;
  const list = [
    {
      id: `${domainId.slice(0, 8)}p1`,
      name: "production",
      enabled: true,
      default: true,
      domain_id: domainId,
      description: "Production workloads",
    },
    {
      id: `${domainId.slice(0, 8)}p2`,
      name: `staging-${index + 1}`,
      enabled: index !== 2,
      default: false,
      domain_id: domainId,
      description: "",
    },
  ];
  return state.options.hostileText
    ? hostileStrings(list, ["id", "domain_id"]) as Record<string, unknown>[]
    : list;
}
