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

import {
  cleuraDomainsBody,
  expireCleuraTokens,
  issueCleuraToken,
} from "./cleura.ts";
import type { Fault } from "./faults.ts";
import { handle } from "./router.ts";
import { type EmulatorState, errorEnvelope } from "./state.ts";

export type { Fault } from "./faults.ts";
export { emulatedInstances } from "./itopia.ts";

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

/** Counters at zero. */
function zeroCounters(): EmulatorCounters {
  return {
    requests: 0,
    cleuraLogins: 0,
    cleuraPasswordPosts: 0,
    smsSent: 0,
    smsVerifications: 0,
    itopiaLogins: 0,
    faults: 0,
    byRoute: {},
  };
}

/** A fresh emulator's state for these options. */
function createState(
  options: EmulatorOptions,
  closing: Promise<void>,
): EmulatorState {
  return {
    options,
    users: options.cleuraUsers ?? EMULATOR_FIXTURES.cleuraUsers,
    apiKeys: options.itopiaApiKeys ?? EMULATOR_FIXTURES.itopiaApiKeys,
    admins: options.itopiaAdmins ?? EMULATOR_FIXTURES.itopiaAdmins,
    deployments: options.deployments ?? EMULATOR_FIXTURES.deployments,
    verificationTtlMs: options.verificationTtlMs ?? 300_000,
    itopiaTtlSeconds: options.itopiaTokenTtlSeconds ?? 3_600,
    rejectedTokenStatus: options.rejectedTokenStatus ?? 403,
    domainsBody: cleuraDomainsBody(options),
    serverSecret: crypto.getRandomValues(new Uint8Array(32)),
    instanceCache: new Map(),
    counters: zeroCounters(),
    outbox: [],
    tokens: new Map(),
    verifications: new Map(),
    faults: [],
    closing,
  };
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
  const closing = Promise.withResolvers<void>();
  const state = createState(options, closing.promise);
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
    onError: (error) =>
      errorEnvelope(state, 500, `Emulator error: ${(error as Error).message}`),
  }, (request) => handle(state, request));
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

  const { counters, outbox, faults } = state;
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
    issueCleuraToken: (login, token) => issueCleuraToken(state, login, token),
    expireCleuraTokens: (login) => expireCleuraTokens(state, login),
    reset() {
      Object.assign(counters, zeroCounters());
      outbox.length = 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
