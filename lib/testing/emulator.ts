/**
 * A local emulator of both APIs, for tests and demos: the Cleura REST API
 * (password login, SMS two-factor with a readable outbox, `X-AUTH-*` checks,
 * domains, projects, token validation and revocation, Kubernetes clusters)
 * and the itopia CAS API (JWTs checked with the API key, the login method,
 * deployments with cloud instances). It counts what it is asked and can inject faults, so tests can
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
import {
  type EmulatedApiKey,
  type EmulatedCleuraUser,
  type EmulatedDeployment,
  type EmulatedItopiaAdmin,
  EMULATOR_FIXTURES,
} from "./accounts.ts";
import type { EmulatedShoot } from "./gardener.ts";
import { handle } from "./router.ts";
import { type EmulatorState, errorEnvelope } from "./state.ts";

export {
  type EmulatedApiKey,
  type EmulatedCleuraUser,
  type EmulatedDeployment,
  type EmulatedItopiaAdmin,
  EMULATOR_FIXTURES,
} from "./accounts.ts";
export type {
  CleuraShoot,
  CleuraShootSpec,
  CleuraShootStatus,
  ShootCondition,
  ShootLastOperation,
  ShootWorker,
} from "../cleura/shoot.ts";
export type { Fault } from "./faults.ts";
export type { EmulatedShoot } from "./gardener.ts";
export { emulatedInstances } from "./itopia.ts";

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
  /** Kubernetes clusters (default {@linkcode EMULATOR_FIXTURES}'s); each emulator changes its own copy. */
  shoots?: EmulatedShoot[];
  /** How long an SMS verification stays valid, in ms (default 5 minutes). */
  verificationTtlMs?: number;
  /** How `cloudInstances` is answered: a bare array (default) or `{items,total}`. */
  instancesShape?: "array" | "wrapped";
  /** The lifetime of itopia login tokens, in seconds (default 3,600). */
  itopiaTokenTtlSeconds?: number;
  /** Chooses each SMS code (default: random six digits). */
  smsCode?: () => number;
  /** Called with each SMS as it is "sent" (after it is in the outbox). */
  onSms?: (sms: SentSms) => void;
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
   * descriptions of projects; every string of a Kubernetes cluster's `spec`
   * and its conditions' messages and last operation's description (not its
   * name, id or protocol words); every string field of an instance, and one
   * more field whose key is hostile too; and the message of every error
   * envelope, injected `status` faults included.
   */
  hostileText?: boolean;
  /**
   * The Cleura API generations served (default both): a path of a generation
   * left out answers 404, as on a private installation that has only the
   * other. v1 is the seed's auth, domains, projects and Gardener paths; v2
   * is `/auth/v2/*`, `/identity/v2/current-user`, the v2 domains, the
   * current user's projects and `/gardener/v2/…`.
   */
  cleuraGenerations?: readonly ("v1" | "v2")[];
}

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
  /** Cleura password posts (`POST /auth/v1/tokens` or `/auth/v2/tokens`), whatever their answer. */
  cleuraPasswordPosts: number;
  /** SMS codes sent. */
  smsSent: number;
  /** SMS codes checked (`verify2fa` or `tokens-by-sms-code`). */
  smsVerifications: number;
  /** itopia login-method calls. */
  itopiaLogins: number;
  /** Faults served. */
  faults: number;
  /** Kubernetes clusters hibernated (202 answers). */
  shootHibernations: number;
  /** Kubernetes clusters woken up (202 answers). */
  shootWakes: number;
  /** Admin kubeconfigs issued. */
  kubeconfigsIssued: number;
  /** The most requests answered at the same time. */
  maxInFlight: number;
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
  /**
   * A copy of a Kubernetes cluster as it is now (after any hibernate or wake
   * up), by name, in the `public` garden domain unless told otherwise.
   */
  shoot(
    name: string,
    where?: Partial<Omit<EmulatedShoot, "shoot">>,
  ): EmulatedShoot["shoot"] | undefined;
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
    shootHibernations: 0,
    shootWakes: 0,
    kubeconfigsIssued: 0,
    maxInFlight: 0,
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
    shoots: structuredClone(options.shoots ?? EMULATOR_FIXTURES.shoots),
    inFlight: 0,
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
    shoot(name, where = {}) {
      const { gardenDomain = "public", region, projectId } = where;
      const found = state.shoots.find((s) =>
        s.shoot.metadata.name === name && s.gardenDomain === gardenDomain &&
        (region === undefined || s.region === region) &&
        (projectId === undefined || s.projectId === projectId)
      );
      return found && structuredClone(found.shoot);
    },
    reset() {
      Object.assign(counters, zeroCounters());
      outbox.length = 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
