/**
 * The two generations of Cleura's auth API behind one interface, and the
 * choice between them: `v1` (the seed's `/auth/v1/…`), `v2` (`/auth/v2/…`, as
 * Cleura's own CLI speaks it), or `auto`, which tries v2 and falls back to v1
 * for an API URL whose v2 endpoint answers 404 or 405, and remembers the
 * choice per API URL for the process.
 *
 * A fallback never repeats a step that did anything: a 404 or 405 means the
 * server has no such route, so nothing was checked, sent or counted; the v1
 * request that follows is the one real request of that step.
 *
 * @module
 */

import { z } from "zod";
import { ApiError, ConfigError } from "../errors.ts";
import type { HttpOptions } from "../http.ts";

/**
 * Which generation of the Cleura auth API to speak: `auto` (default) tries v2
 * and falls back to v1 when the API has no v2 route; `v2` or `v1` pin one.
 */
export type ApiVersion = "auto" | "v2" | "v1";

/** Options of a call about a login or a token: timeout, signal, generation. */
export interface AuthCallOptions extends HttpOptions {
  /** The auth API generation (`CLEURA_API_VERSION`; default `auto`). */
  apiVersion?: ApiVersion;
}

/** A login and password for one Cleura REST API. */
export interface CleuraCredentials {
  /** The API's base URL, e.g. `https://rest.cleura.cloud`. */
  apiUrl: string;
  /** The Cleura login (username). */
  login: string;
  /** The password. */
  password: string;
}

/** An SMS two-factor challenge, as `startLogin` returns it. */
export interface SmsChallenge {
  /** The API's base URL. */
  apiUrl: string;
  /** The Cleura login (username). */
  login: string;
  /** The verification handle the API returned. */
  verification: string;
}

/** The answer to a password post, the same in both generations. */
export const loginAnswer = z.discriminatedUnion("result", [
  z.object({ result: z.literal("login_ok"), token: z.string().min(1) }),
  z.object({
    result: z.literal("twofactor_required"),
    type: z.string().optional(),
    verification: z.string().min(1),
  }),
  z.object({
    result: z.literal("twofactor_options"),
    options: z.array(z.string()),
  }),
]);

/** A parsed answer to a password post. */
export type LoginAnswer = z.infer<typeof loginAnswer>;

const knownResults = new Set([
  "login_ok",
  "twofactor_required",
  "twofactor_options",
]);

/** Refuses a `result` that is none of the three known ones. */
export function checkResult(body: unknown, step: string, status: number): void {
  const result = (body as { result?: unknown } | undefined)?.result;
  if (typeof result === "string" && !knownResults.has(result)) {
    // The value is kept on the error, never put in its message: a server
    // could echo anything there.
    throw new ApiError({
      status,
      step,
      serverMessage:
        "an unexpected result (not login_ok, twofactor_required or twofactor_options)",
      result,
    });
  }
}

/** One generation's requests; the rest of the login does not depend on it. */
export interface AuthGeneration {
  /** `v1` or `v2`. */
  readonly name: "v1" | "v2";
  /** Posts the login and password (`twofa`: ask for SMS). */
  postTokens(
    credentials: CleuraCredentials,
    twofa: "sms" | undefined,
    options: HttpOptions,
  ): Promise<LoginAnswer>;
  /** Asks the API to send the SMS. */
  requestSms(challenge: SmsChallenge, options: HttpOptions): Promise<void>;
  /** Sends the code (an integer); returns the token. */
  verify(
    challenge: SmsChallenge,
    code: number,
    options: HttpOptions,
  ): Promise<string>;
  /** The path of token validation (`POST`, no body). */
  readonly validatePath: string;
  /** The path of token revocation (`DELETE`). */
  readonly revokePath: string;
}

const chosen = new Map<string, "v1" | "v2">();

/**
 * The key an API URL's generation is kept under: the URL without trailing
 * slashes.
 *
 * @param apiUrl The API's base URL.
 * @returns The key.
 *
 * @example
 * ```ts
 * import { urlKey } from "./auth_generation.ts";
 *
 * console.log(urlKey("https://rest.cleura.cloud/")); // https://rest.cleura.cloud
 * ```
 */
export function urlKey(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, "");
}

/** The generation `auto` settled on for an API URL in this process, if any. */
export function rememberedGeneration(
  apiUrl: string,
): "v1" | "v2" | undefined {
  return chosen.get(urlKey(apiUrl));
}

/** Generations a cached token was saved with: tried first, not trusted. */
const hints = new Map<string, "v1" | "v2">();

/**
 * Notes the generation an API URL probably speaks (as a token cached with
 * its generation says), for this process: it is tried first, and dropped
 * when it answers that it has no such route. An answer in this process
 * ({@linkcode rememberedGeneration}) always wins over it.
 *
 * @param apiUrl The API's base URL.
 * @param generation `v1` or `v2`.
 *
 * @example
 * ```ts
 * import { generationHint, hintGeneration } from "@cloudgate/toolkit/cleura";
 *
 * hintGeneration("https://cleura.example", "v1");
 * console.log(generationHint("https://cleura.example/")); // v1
 * ```
 */
export function hintGeneration(
  apiUrl: string,
  generation: "v1" | "v2",
): void {
  hints.set(urlKey(apiUrl), generation);
}

/**
 * The generation a cached token suggested for an API URL, while no answer
 * in this process has settled it.
 *
 * @param apiUrl The API's base URL.
 * @returns The hint, or `undefined`.
 *
 * @example
 * ```ts
 * import { generationHint } from "@cloudgate/toolkit/cleura";
 *
 * console.log(generationHint("https://nowhere.example")); // undefined
 * ```
 */
export function generationHint(apiUrl: string): "v1" | "v2" | undefined {
  const key = urlKey(apiUrl);
  return chosen.has(key) ? undefined : hints.get(key);
}

/**
 * Drops the hint of an API URL (it answered that it has no such route).
 *
 * @param apiUrl The API's base URL.
 *
 * @example
 * ```ts
 * import { dropGenerationHint, generationHint, hintGeneration } from "@cloudgate/toolkit/cleura";
 *
 * hintGeneration("https://old.example", "v1");
 * dropGenerationHint("https://old.example");
 * console.log(generationHint("https://old.example")); // undefined
 * ```
 */
export function dropGenerationHint(apiUrl: string): void {
  hints.delete(urlKey(apiUrl));
}

/**
 * Whether an error is the API saying it has no such route (404 or 405): for
 * an auth step, nothing was done.
 *
 * @param error Any error.
 * @returns `true` for an {@linkcode ApiError} with status 404 or 405.
 *
 * @example
 * ```ts
 * import { ApiError } from "@cloudgate/toolkit";
 * import { absent } from "./auth_generation.ts";
 *
 * console.log(absent(new ApiError({ status: 405, step: "log in" }))); // true
 * ```
 */
export function absent(error: unknown): error is ApiError {
  return error instanceof ApiError &&
    (error.status === 404 || error.status === 405);
}

/**
 * Runs one step on the generation the setting gives. On `auto`, runs it on
 * the generation an answer in this process settled for the URL; else on the
 * hinted one (v2 when none is), and on the other one only when that answered
 * 404 or 405 (no such route: nothing was done); any other answer settles the
 * generation that gave it. A pinned generation that answers 404 or 405 is a
 * clear setting error.
 */
export async function onGeneration<T>(
  apiUrl: string,
  setting: ApiVersion | undefined,
  generations: { v1: AuthGeneration; v2: AuthGeneration },
  step: (generation: AuthGeneration) => Promise<T>,
): Promise<T> {
  const key = urlKey(apiUrl);
  if (setting === "v1" || setting === "v2") {
    try {
      return await step(generations[setting]);
    } catch (error) {
      if (absent(error)) throw wrongGeneration(apiUrl, setting, error);
      throw error;
    }
  }
  // The generation that answers (even a wrong password, a refused token) is
  // the one this API speaks.
  const settle = async (name: "v1" | "v2"): Promise<T> => {
    try {
      const result = await step(generations[name]);
      chosen.set(key, name);
      return result;
    } catch (error) {
      if (error instanceof ApiError && error.status < 500 && !absent(error)) {
        chosen.set(key, name);
      }
      throw error;
    }
  };
  // Settled by an answer in this process: that one, with no second try (a
  // 404 there is the API's answer, such as an unknown verification).
  const known = chosen.get(key);
  if (known) return await settle(known);
  const first = hints.get(key) ?? "v2";
  try {
    return await settle(first);
  } catch (error) {
    if (!absent(error)) throw error;
    hints.delete(key);
  }
  return await settle(first === "v2" ? "v1" : "v2");
}

function wrongGeneration(
  apiUrl: string,
  pinned: "v1" | "v2",
  error: ApiError,
): ConfigError {
  const other = pinned === "v1" ? "v2" : "v1";
  return new ConfigError(
    `Cannot ${error.step}: the API at "${apiUrl}" has no ${pinned} auth (it answered ${error.status}); set CLEURA_API_VERSION to "auto" or "${other}"`,
    { cause: error },
  );
}
