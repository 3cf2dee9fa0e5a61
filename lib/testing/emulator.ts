/**
 * A local emulator of both APIs, for tests and demos: the Cleura REST API
 * (password login, SMS two-factor with a readable outbox, `X-AUTH-*` checks,
 * domains, projects, token validation and revocation) and the itopia CAS API
 * (JWTs checked with the API key, the login method, deployments with cloud
 * instances). It counts what it is asked and can inject faults, so tests can
 * reach every error path.
 *
 * @example Log in with SMS two-factor against the emulator
 * ```ts
 * import { startEmulator } from "@cloudgate/toolkit/testing";
 * import { CleuraSession, listRegions } from "@cloudgate/toolkit";
 *
 * await using emulator = await startEmulator();
 * const session = new CleuraSession({
 *   apiUrl: emulator.cleuraUrl,
 *   login: "bob",
 *   password: "bob-password",
 *   askCode: ({ login }) => Promise.resolve(emulator.lastSmsCode(login)),
 * });
 * const regions = await listRegions(session);
 * console.log(regions.length, emulator.counters.smsSent); // 3 1
 * ```
 *
 * @module
 */

import { decodeJwt, jwtVerify, SignJWT } from "jose";
import { isRecord } from "../http.ts";
import { HOSTILE_TEXT, SEED_CLEURA_DOMAINS } from "./fixtures.ts";

/** A Cleura account of the emulator. */
export interface EmulatedCleuraUser {
  /** The login. */
  login: string;
  /** The password. */
  password: string;
  /** Its second factors; empty for none. */
  secondFactors: ("sms" | "webauthn")[];
  /**
   * What a login without `twofa_method` answers for an account with SMS:
   * `twofactor_required` (an SMS challenge at once, as Cleura does for an
   * account whose only second factor is SMS) or `twofactor_options` (a
   * choice, as for an account with SMS and WebAuthn). The default follows
   * those two cases.
   */
  plainLogin?: "twofactor_required" | "twofactor_options";
}

/** An itopia API key of the emulator. */
export interface EmulatedApiKey {
  /** The key, the HS256 secret. */
  key: string;
  /** The organization it belongs to. */
  organizationId: number;
  /** The deployments it may reach: `all`, or a list. */
  deployments: "all" | number[];
}

/** An itopia CAS admin of the emulator, for the login method. */
export interface EmulatedItopiaAdmin {
  /** The username. */
  username: string;
  /** The password. */
  password: string;
  /** The organization. */
  organizationId: number;
}

/** An itopia deployment of the emulator. */
export interface EmulatedDeployment {
  /** The deployment's id. */
  id: number;
  /** The organization it belongs to. */
  organizationId: number;
  /** How many instances it has; they are generated. */
  instanceCount: number;
}

/** Options of {@linkcode startEmulator}. */
export interface EmulatorOptions {
  /** The port (default 0: any free port). */
  port?: number;
  /** The address (default `127.0.0.1`). */
  hostname?: string;
  /** Cleura accounts (default {@linkcode EMULATOR_FIXTURES}'s). */
  cleuraUsers?: EmulatedCleuraUser[];
  /** itopia API keys. */
  itopiaApiKeys?: EmulatedApiKey[];
  /** itopia admins. */
  itopiaAdmins?: EmulatedItopiaAdmin[];
  /** itopia deployments. */
  deployments?: EmulatedDeployment[];
  /** How long an SMS verification stays valid, in ms (default 5 minutes). */
  verificationTtlMs?: number;
  /** How `cloudInstances` is answered: a bare array (default) or `{items,total}`. */
  instancesShape?: "array" | "wrapped";
  /** The lifetime of itopia login tokens, in seconds (default 3,600). */
  itopiaTokenTtlSeconds?: number;
  /** Chooses each SMS code (default: random six digits). */
  smsCode?: () => number;
  /**
   * How a rejected Cleura token is answered: 403
   * `{"error":{"code":403,"message":"Invalid token"}}` as the real API does
   * (default), or 401.
   */
  rejectedTokenStatus?: 401 | 403;
  /**
   * The body of `GET /accesscontrol/v1/openstack/domains` (default: the
   * seed's example); {@linkcode QUIRKY_DOMAINS} has the odd shapes the v2
   * schema allows.
   */
  domains?: unknown;
  /**
   * How `Cielo_Expiration_Token` is given: epoch seconds (default), epoch
   * milliseconds, or the lifetime in seconds.
   */
  itopiaExpiration?: "epoch-seconds" | "epoch-ms" | "lifetime-seconds";
  /**
   * Answers with text a terminal would act on (default `false`): every
   * string that is not an id, a token or a protocol word is wrapped in
   * {@linkcode HOSTILE_TEXT} (an OSC 52 clipboard write, ANSI colours, a C1
   * CSI and a right-to-left override). That is the names, statuses and tags
   * of domains, areas and regions and the region codes; the names and
   * descriptions of projects; every string field of an instance, and one
   * more field whose key is hostile too; and the message of every error
   * envelope, injected `status` faults included.
   */
  hostileText?: boolean;
}

/**
 * The accounts, keys and deployments the emulator has by default.
 *
 * @example
 * ```ts
 * import { EMULATOR_FIXTURES } from "@cloudgate/toolkit/testing";
 *
 * console.log(EMULATOR_FIXTURES.cleuraUsers.map((u) => u.login)); // ["alice", "bob", "carol", "dave"]
 * ```
 */
export const EMULATOR_FIXTURES: {
  cleuraUsers: EmulatedCleuraUser[];
  itopiaApiKeys: EmulatedApiKey[];
  itopiaAdmins: EmulatedItopiaAdmin[];
  deployments: EmulatedDeployment[];
} = {
  cleuraUsers: [
    { login: "alice", password: "alice-password", secondFactors: [] },
    { login: "bob", password: "bob-password", secondFactors: ["sms"] },
    {
      login: "carol",
      password: "carol-password",
      secondFactors: ["sms", "webauthn"],
    },
    { login: "dave", password: "dave-password", secondFactors: ["webauthn"] },
  ],
  itopiaApiKeys: [
    {
      key: "emulator-key-org-42-all-deployments",
      organizationId: 42,
      deployments: "all",
    },
    {
      key: "emulator-key-org-42-deployment-101",
      organizationId: 42,
      deployments: [101],
    },
  ],
  itopiaAdmins: [{
    username: "admin@example.com",
    password: "admin-password",
    organizationId: 42,
  }],
  deployments: [
    { id: 101, organizationId: 42, instanceCount: 5 },
    { id: 102, organizationId: 42, instanceCount: 1200 },
    { id: 301, organizationId: 77, instanceCount: 2 },
  ],
};

/** One SMS the emulator "sent". */
export interface SentSms {
  /** The account it was sent for. */
  login: string;
  /** The six-digit code. */
  code: number;
  /** The verification handle it belongs to. */
  verification: string;
  /** When it was sent. */
  sentAt: Date;
}

/** What the emulator has been asked. */
export interface EmulatorCounters {
  /** Every request. */
  requests: number;
  /** Cleura logins completed: tokens issued by a password or an SMS code. */
  cleuraLogins: number;
  /** Cleura password posts (`POST /auth/v1/tokens`), whatever their answer. */
  cleuraPasswordPosts: number;
  /** SMS codes sent. */
  smsSent: number;
  /** SMS codes checked (`verify2fa`). */
  smsVerifications: number;
  /** itopia login-method calls. */
  itopiaLogins: number;
  /** Faults served. */
  faults: number;
  /** Requests by `METHOD /path`. */
  byRoute: Record<string, number>;
}

/** A fault to serve instead of (or before) the normal answer. */
export type Fault =
  & {
    /** Only requests whose path contains this (or matches it). */
    path?: string | RegExp;
    /** Only requests with this method. */
    method?: string;
    /** How many matching requests get the fault (default 1). */
    times?: number;
  }
  & (
    | {
      /** A status with a JSON error envelope, and `Retry-After` if given. */
      kind: "status";
      status: number;
      retryAfter?: number | string;
      message?: string;
    }
    | { /** An HTML error page. */ kind: "html"; status: number }
    | { /** A 200 whose body is not JSON. */ kind: "malformed-json" }
    | {
      /** Any JSON body, with a status (default 200). */
      kind: "json";
      body: unknown;
      status?: number;
    }
    | { /** A 200 with JSON of the wrong shape. */ kind: "wrong-shape" }
    | { /** Waits, then answers normally. */ kind: "delay"; ms: number }
    | {
      /** Never answers (until the client gives up or the emulator closes). */ kind:
        "hang";
    }
    | {
      /** Sends headers and part of the body, then breaks the connection. */ kind:
        "reset";
    }
    | {
      /** A 200 body larger than the client's cap, streamed. */ kind:
        "oversize";
      bytes?: number;
    }
  );

/** A running emulator. */
export interface Emulator extends AsyncDisposable {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The Cleura API's base URL (the origin). */
  cleuraUrl: string;
  /** The itopia API's base URL (`<origin>/api/v2`). */
  itopiaUrl: string;
  /** The port. */
  port: number;
  /** What the emulator has been asked. */
  counters: EmulatorCounters;
  /** Every SMS sent, oldest first. */
  outbox: SentSms[];
  /** The code of the last SMS sent to a login, if any. */
  lastSmsCode(login: string): number | undefined;
  /** Queues a fault. */
  injectFault(fault: Fault): void;
  /** Drops all queued faults. */
  clearFaults(): void;
  /** Issues a Cleura token directly, as a login would (a chosen one, if given). */
  issueCleuraToken(login: string, token?: string): string;
  /** Invalidates Cleura tokens (of one login, or all): the next call is refused (403 "Invalid token" by default). */
  expireCleuraTokens(login?: string): void;
  /** Sets every counter to zero and empties the outbox. */
  reset(): void;
  /** Stops the server; pending requests are ended. */
  close(): Promise<void>;
}

interface Verification {
  login: string;
  expiresAt: number;
  code?: number;
  attempts: number;
}

interface QueuedFault {
  fault: Fault;
  left: number;
}

const JSON_HEADERS = { "content-type": "application/json" };

function json(status: number, body: unknown, headers = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

function hostile(text: string): string {
  return `${HOSTILE_TEXT.before}${text}${HOSTILE_TEXT.after}`;
}

/** Every string of a value wrapped in hostile text, but under `keep` keys. */
function hostileStrings(value: unknown, keep: readonly string[]): unknown {
  if (typeof value === "string") return hostile(value);
  if (Array.isArray(value)) return value.map((v) => hostileStrings(v, keep));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map((
      [k, v],
    ) => [k, keep.includes(k) ? v : hostileStrings(v, keep)]),
  );
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

function randomToken(length: number): string {
  const alphabet =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

function sixDigits(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000;
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

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

/**
 * Starts the emulator on a free local port.
 *
 * @param options Accounts, keys, deployments and behaviour.
 * @returns The running emulator; close it (or `await using` it) when done.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@cloudgate/toolkit/testing";
 *
 * const emulator = await startEmulator();
 * try {
 *   console.log(emulator.cleuraUrl.startsWith("http://127.0.0.1:")); // true
 * } finally {
 *   await emulator.close();
 * }
 * ```
 */
export async function startEmulator(
  options: EmulatorOptions = {},
): Promise<Emulator> {
  const users = options.cleuraUsers ?? EMULATOR_FIXTURES.cleuraUsers;
  const apiKeys = options.itopiaApiKeys ?? EMULATOR_FIXTURES.itopiaApiKeys;
  const admins = options.itopiaAdmins ?? EMULATOR_FIXTURES.itopiaAdmins;
  const deployments = options.deployments ?? EMULATOR_FIXTURES.deployments;
  const verificationTtl = options.verificationTtlMs ?? 300_000;
  const itopiaTtl = options.itopiaTokenTtlSeconds ?? 3_600;
  const serverSecret = crypto.getRandomValues(new Uint8Array(32));
  const instanceCache = new Map<number, Record<string, unknown>[]>();

  const counters: EmulatorCounters = {
    requests: 0,
    cleuraLogins: 0,
    cleuraPasswordPosts: 0,
    smsSent: 0,
    smsVerifications: 0,
    itopiaLogins: 0,
    faults: 0,
    byRoute: {},
  };
  const outbox: SentSms[] = [];
  const tokens = new Map<string, string>();
  const verifications = new Map<string, Verification>();
  const faults: QueuedFault[] = [];
  const closing = Promise.withResolvers<void>();

  function issueCleuraToken(login: string, chosen?: string): string {
    const token = chosen ?? randomToken(32);
    tokens.set(token, login);
    return token;
  }

  function takeFault(method: string, path: string): Fault | undefined {
    const index = faults.findIndex(({ fault }) =>
      (fault.method === undefined || fault.method === method) &&
      (fault.path === undefined ||
        (typeof fault.path === "string"
          ? path.includes(fault.path)
          : fault.path.test(path)))
    );
    const queued = faults[index];
    if (!queued) return undefined;
    queued.left--;
    if (queued.left <= 0) faults.splice(index, 1);
    counters.faults++;
    return queued.fault;
  }

  async function serveFault(
    fault: Fault,
    request: Request,
  ): Promise<Response | undefined> {
    switch (fault.kind) {
      case "status": {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) {
          headers["retry-after"] = String(fault.retryAfter);
        }
        const message = fault.message ?? "Injected fault";
        return json(fault.status, {
          error: {
            code: fault.status,
            message: options.hostileText ? hostile(message) : message,
          },
        }, headers);
      }
      case "html":
        return new Response(
          `<!DOCTYPE html><html><head><title>${fault.status} Internal Server Error</title><style>body{color:red}</style></head><body><h1>Something broke</h1><p>${
            "Lorem ipsum ".repeat(200)
          }</p><pre>at Handler.process (server.js:42)</pre></body></html>`,
          { status: fault.status, headers: { "content-type": "text/html" } },
        );
      case "malformed-json":
        return new Response('{"result": "login_ok", "token": ', {
          status: 200,
          headers: JSON_HEADERS,
        });
      case "json":
        return json(fault.status ?? 200, fault.body);
      case "wrong-shape":
        return json(200, { unexpected: true, items: "not a list" });
      case "delay":
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return undefined;
      case "hang": {
        const aborted = Promise.withResolvers<void>();
        request.signal.addEventListener("abort", () => aborted.resolve(), {
          once: true,
        });
        await Promise.race([aborted.promise, closing.promise]);
        return new Response(null, { status: 503 });
      }
      case "reset": {
        let sent = false;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (!sent) {
              sent = true;
              controller.enqueue(new TextEncoder().encode('[{"id": 1, "na'));
            } else {
              controller.error(new Error("connection reset by the emulator"));
            }
          },
        });
        return new Response(body, { status: 200, headers: JSON_HEADERS });
      }
      case "oversize": {
        const total = fault.bytes ?? 11 * 1024 * 1024;
        const chunk = new TextEncoder().encode(
          `${JSON.stringify({ filler: "x".repeat(64 * 1024) })},`,
        );
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("["));
          },
          pull(controller) {
            if (sent >= total) {
              controller.enqueue(new TextEncoder().encode("{}]"));
              controller.close();
              return;
            }
            controller.enqueue(chunk);
            sent += chunk.byteLength;
          },
        });
        return new Response(body, { status: 200, headers: JSON_HEADERS });
      }
    }
  }

  function cleuraAuth(request: Request): string | undefined {
    const login = request.headers.get("x-auth-login");
    const token = request.headers.get("x-auth-token");
    if (!login || !token) return undefined;
    return tokens.get(token) === login ? token : undefined;
  }

  const errorEnvelope = (status: number, message: string): Response =>
    json(status, {
      error: {
        code: status,
        message: options.hostileText ? hostile(message) : message,
      },
    });
  const rejectedStatus = options.rejectedTokenStatus ?? 403;
  const unauthorized = () =>
    errorEnvelope(
      rejectedStatus,
      rejectedStatus === 403 ? "Invalid token" : "Invalid or expired token",
    );
  let domainsBody = options.domains === undefined
    ? SEED_CLEURA_DOMAINS
    : JSON.stringify(options.domains);
  if (options.hostileText) {
    domainsBody = JSON.stringify(
      hostileStrings(JSON.parse(domainsBody), ["id", "zone_id"]),
    );
  }

  async function postTokens(request: Request): Promise<Response> {
    counters.cleuraPasswordPosts++;
    const auth = record(record(await readJson(request))?.auth);
    if (
      !auth || typeof auth.login !== "string" ||
      typeof auth.password !== "string"
    ) {
      return errorEnvelope(400, "auth.login and auth.password are required");
    }
    const user = users.find((u) =>
      u.login === auth.login && u.password === auth.password
    );
    if (!user) return errorEnvelope(401, "Invalid login or password");
    if (user.secondFactors.length === 0) {
      counters.cleuraLogins++;
      return json(200, {
        result: "login_ok",
        token: issueCleuraToken(user.login),
      });
    }
    const plain = user.plainLogin ??
      (user.secondFactors.length === 1 && user.secondFactors[0] === "sms"
        ? "twofactor_required"
        : "twofactor_options");
    const method = auth.twofa_method ??
      (plain === "twofactor_required" ? "sms" : undefined);
    if (method === undefined) {
      return json(200, {
        result: "twofactor_options",
        options: user.secondFactors,
      });
    }
    if (method !== "sms" || !user.secondFactors.includes("sms")) {
      return errorEnvelope(
        400,
        `Two-factor method "${String(method)}" is not available`,
      );
    }
    const verification = randomToken(10);
    verifications.set(verification, {
      login: user.login,
      expiresAt: Date.now() + verificationTtl,
      attempts: 0,
    });
    return json(200, {
      result: "twofactor_required",
      type: "sms",
      verification,
    });
  }

  function liveVerification(
    login: unknown,
    verification: unknown,
  ): Verification | Response {
    if (typeof login !== "string" || typeof verification !== "string") {
      return errorEnvelope(400, "login and verification are required");
    }
    const entry = verifications.get(verification);
    if (!entry || entry.login !== login) {
      return errorEnvelope(400, "Invalid verification");
    }
    if (entry.expiresAt <= Date.now()) {
      verifications.delete(verification);
      return errorEnvelope(400, "Verification expired");
    }
    return entry;
  }

  async function request2fa(request: Request): Promise<Response> {
    const body = record(record(await readJson(request))?.request2fa);
    const entry = liveVerification(body?.login, body?.verification);
    if (entry instanceof Response) return entry;
    entry.code = options.smsCode?.() ?? sixDigits();
    counters.smsSent++;
    outbox.push({
      login: entry.login,
      code: entry.code,
      verification: String(body?.verification),
      sentAt: new Date(),
    });
    return new Response(null, { status: 204 });
  }

  async function verify2fa(request: Request): Promise<Response> {
    counters.smsVerifications++;
    const body = record(record(await readJson(request))?.verify2fa);
    if (body && typeof body.code !== "number") {
      return errorEnvelope(400, "code must be an integer");
    }
    const entry = liveVerification(body?.login, body?.verification);
    if (entry instanceof Response) return entry;
    if (entry.code === undefined) {
      return errorEnvelope(400, "No code was requested for this verification");
    }
    if (body?.code !== entry.code) {
      entry.attempts++;
      if (entry.attempts >= 3) {
        verifications.delete(String(body?.verification));
      }
      return errorEnvelope(400, "Invalid two-factor code");
    }
    verifications.delete(String(body?.verification));
    counters.cleuraLogins++;
    return json(200, {
      result: "login_ok",
      token: issueCleuraToken(entry.login),
    });
  }

  function cleura(
    request: Request,
    path: string,
  ): Promise<Response> | Response {
    const method = request.method;
    if (method === "POST" && path === "/auth/v1/tokens") {
      return postTokens(request);
    }
    if (method === "POST" && path === "/auth/v1/tokens/request2facode") {
      return request2fa(request);
    }
    if (method === "POST" && path === "/auth/v1/tokens/verify2fa") {
      return verify2fa(request);
    }
    const token = cleuraAuth(request);
    if (method === "POST" && path === "/auth/v1/tokens/validate") {
      return token ? new Response(null, { status: 204 }) : unauthorized();
    }
    if (method === "DELETE" && path === "/auth/v1/tokens") {
      if (!token) return unauthorized();
      tokens.delete(token);
      return new Response(null, { status: 204 });
    }
    if (method === "GET" && path === "/accesscontrol/v1/openstack/domains") {
      if (!token) return unauthorized();
      return new Response(domainsBody, {
        status: 200,
        headers: JSON_HEADERS,
      });
    }
    const projects = /^\/accesscontrol\/v1\/openstack\/([^/]+)\/projects$/
      .exec(path);
    if (method === "GET" && projects) {
      if (!token) return unauthorized();
      const domainId = decodeURIComponent(projects[1]!);
      const domains = JSON.parse(SEED_CLEURA_DOMAINS) as { id: string }[];
      const index = domains.findIndex((d) => d.id === domainId);
      if (index < 0) return errorEnvelope(404, "Domain not found");
      const list = [
        {
          id: `${domainId.slice(0, 8)}p1`,
          name: "production",
          enabled: true,
          domain_id: domainId,
          description: "Production workloads",
        },
        {
          id: `${domainId.slice(0, 8)}p2`,
          name: `staging-${index + 1}`,
          enabled: index !== 2,
          domain_id: domainId,
          description: "",
        },
      ];
      return json(
        200,
        options.hostileText ? hostileStrings(list, ["id", "domain_id"]) : list,
      );
    }
    return errorEnvelope(404, `No route for ${method} ${path}`);
  }

  async function itopiaClaims(
    request: Request,
  ): Promise<Record<string, unknown> | Response> {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match) {
      return errorEnvelope(401, "Authorization: Bearer <JWT> is required");
    }
    const jwt = match[1]!;
    let unverified: Record<string, unknown>;
    try {
      unverified = decodeJwt(jwt);
    } catch {
      return errorEnvelope(401, "Malformed JWT");
    }
    const org = unverified.organizationId;
    const candidates: { secret: Uint8Array; scope: "all" | number[] }[] = [
      { secret: serverSecret, scope: "all" },
    ];
    for (const key of apiKeys) {
      if (key.organizationId === org) {
        candidates.push({
          secret: new TextEncoder().encode(key.key),
          scope: key.deployments,
        });
      }
    }
    for (const { secret, scope } of candidates) {
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
          return errorEnvelope(401, "organizationId must be an integer");
        }
        return { ...payload, apiKeyScope: scope };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "ERR_JWT_EXPIRED") {
          return errorEnvelope(401, "Token expired");
        }
        if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
          return errorEnvelope(
            401,
            `Invalid claim: ${(error as Error).message}`,
          );
        }
      }
    }
    return errorEnvelope(401, "Invalid token signature");
  }

  async function itopia(request: Request, path: string): Promise<Response> {
    if (request.method === "POST" && path === "/accounts/login/") {
      counters.itopiaLogins++;
      const body = record(await readJson(request));
      const admin = admins.find((a) =>
        a.username === body?.username && a.password === body?.password
      );
      if (!admin) return errorEnvelope(401, "Invalid username or password");
      const iat = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        organizationId: admin.organizationId,
        username: admin.username,
      }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setAudience("Itopia")
        .setIssuedAt(iat).setExpirationTime(iat + itopiaTtl).sign(serverSecret);
      const style = options.itopiaExpiration ?? "epoch-seconds";
      return json(200, {
        Cielo_Token: token,
        Cielo_Expiration_Token: style === "epoch-ms"
          ? (iat + itopiaTtl) * 1000
          : style === "lifetime-seconds"
          ? itopiaTtl
          : iat + itopiaTtl,
      });
    }
    const instances = /^\/deployments\/([^/]+)\/cloudInstances\/?$/.exec(path);
    if (request.method === "GET" && instances) {
      const claims = await itopiaClaims(request);
      if (claims instanceof Response) return claims;
      const id = Number(instances[1]);
      const deployment = deployments.find((d) => d.id === id);
      if (!deployment) return errorEnvelope(404, "Deployment not found");
      const scope = claims.apiKeyScope;
      if (
        deployment.organizationId !== claims.organizationId ||
        (Array.isArray(scope) && !scope.includes(id)) ||
        (claims.deploymentId !== undefined && claims.deploymentId !== id)
      ) {
        return errorEnvelope(403, "The token has no access to this deployment");
      }
      let list = instanceCache.get(id);
      if (!list) {
        list = emulatedInstances(deployment);
        if (options.hostileText) list = list.map(hostileInstance);
        instanceCache.set(id, list);
      }
      return options.instancesShape === "wrapped"
        ? json(200, { items: list, total: list.length })
        : json(200, list);
    }
    return errorEnvelope(404, `No route for ${request.method} ${path}`);
  }

  async function handle(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    counters.requests++;
    const route = `${request.method} ${pathname}`;
    counters.byRoute[route] = (counters.byRoute[route] ?? 0) + 1;
    const fault = takeFault(request.method, pathname);
    if (fault) {
      const response = await serveFault(fault, request);
      if (response) return response;
    }
    if (pathname.startsWith("/api/v2/")) {
      return await itopia(request, pathname.slice("/api/v2".length));
    }
    return await cleura(request, pathname);
  }

  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: (error) =>
      errorEnvelope(500, `Emulator error: ${(error as Error).message}`),
  }, handle);
  const addr = await listening.promise;
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  const url = `http://${host}:${addr.port}`;

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing.resolve();
      await server.shutdown();
    })();
    return closed;
  };

  return {
    url,
    cleuraUrl: url,
    itopiaUrl: `${url}/api/v2`,
    port: addr.port,
    counters,
    outbox,
    lastSmsCode(login) {
      return outbox.findLast((sms) => sms.login === login)?.code;
    },
    injectFault(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    issueCleuraToken,
    expireCleuraTokens(login) {
      for (const [token, owner] of tokens) {
        if (login === undefined || owner === login) tokens.delete(token);
      }
    },
    reset() {
      counters.requests = 0;
      counters.cleuraLogins = 0;
      counters.cleuraPasswordPosts = 0;
      counters.smsSent = 0;
      counters.smsVerifications = 0;
      counters.itopiaLogins = 0;
      counters.faults = 0;
      counters.byRoute = {};
      outbox.length = 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
