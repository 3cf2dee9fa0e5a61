/**
 * The emulator's shared state, the signature of a route, and the small
 * helpers every route answers with: JSON bodies, error envelopes, hostile
 * text and request bodies.
 *
 * @module
 */

import { isRecord } from "../is_record.ts";
import { HOSTILE_TEXT } from "./fixtures.ts";
import type {
  EmulatedApiKey,
  EmulatedCleuraUser,
  EmulatedDeployment,
  EmulatedItopiaAdmin,
  EmulatorCounters,
  EmulatorOptions,
  SentSms,
} from "./emulator.ts";
import type { Fault } from "./faults.ts";
import type { EmulatedShoot } from "./gardener.ts";

/** An SMS two-factor verification under way. */
export interface Verification {
  /** The account it belongs to. */
  login: string;
  /** When it stops being valid, in epoch ms. */
  expiresAt: number;
  /** The code last sent, once one was requested. */
  code?: number;
  /** Wrong codes tried so far. */
  attempts: number;
}

/** A fault waiting for its requests. */
export interface QueuedFault {
  /** The fault. */
  fault: Fault;
  /** How many more matching requests get it. */
  left: number;
}

/**
 * Everything one running emulator knows. `options` is the caller's object,
 * read at request time for the switches that were read that way before; the
 * other fields are settled when the emulator starts.
 */
export interface EmulatorState {
  /** The options it was started with. */
  readonly options: EmulatorOptions;
  /** Cleura accounts. */
  readonly users: EmulatedCleuraUser[];
  /** itopia API keys. */
  readonly apiKeys: EmulatedApiKey[];
  /** itopia admins. */
  readonly admins: EmulatedItopiaAdmin[];
  /** itopia deployments. */
  readonly deployments: EmulatedDeployment[];
  /** How long an SMS verification stays valid, in ms. */
  readonly verificationTtlMs: number;
  /** The lifetime of itopia login tokens, in seconds. */
  readonly itopiaTtlSeconds: number;
  /** The status of a rejected Cleura token. */
  readonly rejectedTokenStatus: 401 | 403;
  /** The body of the Cleura domains list. */
  readonly domainsBody: string;
  /** The HS256 secret of the itopia login method's tokens. */
  readonly serverSecret: Uint8Array;
  /** Generated instances by deployment id. */
  readonly instanceCache: Map<number, Record<string, unknown>[]>;
  /** What it has been asked. */
  readonly counters: EmulatorCounters;
  /** Every SMS sent, oldest first. */
  readonly outbox: SentSms[];
  /** Live Cleura tokens and their logins. */
  readonly tokens: Map<string, string>;
  /** SMS verifications by handle. */
  readonly verifications: Map<string, Verification>;
  /** Queued faults, oldest first. */
  readonly faults: QueuedFault[];
  /** The Kubernetes clusters, changed by hibernate and wake up. */
  readonly shoots: EmulatedShoot[];
  /** Requests being answered now. */
  inFlight: number;
  /** Settles when the emulator closes. */
  readonly closing: Promise<void>;
}

/**
 * One route: answers a request, given the emulator's state and the groups
 * its path pattern captured.
 */
export type Route = (
  state: EmulatorState,
  request: Request,
  params: readonly string[],
) => Response | Promise<Response>;

/** The `content-type` of every JSON answer. */
export const JSON_HEADERS = { "content-type": "application/json" };

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

/** A 204 with no body. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** An error envelope, its message hostile under `hostileText`. */
export function errorEnvelope(
  state: EmulatorState,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return json(status, {
    error: {
      code: status,
      message: state.options.hostileText ? hostile(message) : message,
    },
  }, headers);
}

/** A text wrapped in {@linkcode HOSTILE_TEXT}. */
export function hostile(text: string): string {
  return `${HOSTILE_TEXT.before}${text}${HOSTILE_TEXT.after}`;
}

/** Every string of a value wrapped in hostile text, but under `keep` keys. */
export function hostileStrings(
  value: unknown,
  keep: readonly string[],
): unknown {
  if (typeof value === "string") return hostile(value);
  if (Array.isArray(value)) return value.map((v) => hostileStrings(v, keep));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map((
      [k, v],
    ) => [k, keep.includes(k) ? v : hostileStrings(v, keep)]),
  );
}

/** A random string of letters and digits. */
export function randomToken(length: number): string {
  const alphabet =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** The request's JSON body, or `undefined` if it has none. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

/** The value if it is a record. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}
