/**
 * One authenticated call of a `CleuraSession`, once it holds a
 * token: the endpoint of the generation its API speaks, sent through the HTTP
 * core with the token's headers, the answer tagged with that generation.
 *
 * @module
 */

import { ApiError, AuthError, CloudgateError, ConfigError } from "../errors.ts";
import type { TokenCache } from "../token_cache.ts";
import { type HttpOptions, httpRequest, type HttpResponse } from "../http.ts";
import type { ApiVersion, CleuraToken } from "./auth.ts";
import {
  absent,
  dropGenerationHint,
  generationHint,
  rememberedGeneration,
  urlKey,
} from "./auth_generation.ts";
import type { CleuraCall, CleuraEndpoint } from "./session_options.ts";
import { cleuraHeaders } from "./token.ts";

/**
 * An answer through a `CleuraSession`, and the generation that gave it.
 */
export interface CleuraResponse<T = unknown> extends HttpResponse {
  /** The API generation the call was sent to. */
  generation: "v1" | "v2";
  /** The answer as that generation's endpoint reads it (default: the body). */
  data: T;
}

/**
 * The endpoint a call has in a generation.
 *
 * @param call The call.
 * @param generation The generation the API speaks.
 * @param apiUrl The API, for the message.
 * @param setting The `apiVersion` setting, for the message.
 * @returns The endpoint.
 * @throws {ConfigError} When the call does not exist in that generation.
 *
 * @example
 * ```ts
 * import { endpointOf } from "./session_call.ts";
 *
 * const call = { step: "list domains", v2: { path: "openstack/identity/v2/domains" } };
 * console.log(endpointOf(call, "v2", "https://rest.cleura.cloud").path); // openstack/identity/v2/domains
 * ```
 */
export function endpointOf<T>(
  call: CleuraCall<T>,
  generation: "v1" | "v2",
  apiUrl: string,
  setting?: ApiVersion,
): CleuraEndpoint<T> {
  if ("path" in call) return call;
  const sent = call[generation];
  if (sent) return sent;
  throw new ConfigError(
    `Cannot ${call.step}: the Cleura API at "${apiUrl}" speaks ${generation}, which has no such call${
      setting === generation ? ` (CLEURA_API_VERSION is "${generation}")` : ""
    }`,
  );
}

/**
 * Sends one call with a token, on the endpoint of `generation`.
 *
 * @param token The API URL, login and token.
 * @param call The call.
 * @param generation The generation the API speaks.
 * @param options Timeout, signal, the setting and the password (never shown).
 * @returns The answer and its generation.
 *
 * @example
 * ```ts ignore
 * import { sendCall } from "./session_call.ts";
 *
 * const token = { apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" };
 * await sendCall(token, { step: "list domains", path: "openstack/identity/v2/domains" }, "v2");
 * ```
 */
export async function sendCall<T>(
  token: CleuraToken,
  call: CleuraCall<T>,
  generation: "v1" | "v2",
  options: HttpOptions & { apiVersion?: ApiVersion; password?: string } = {},
): Promise<CleuraResponse<T>> {
  const { apiVersion, password, ...http } = options;
  const sent = endpointOf(call, generation, token.apiUrl, apiVersion);
  const response = await httpRequest({
    baseUrl: token.apiUrl,
    path: sent.path,
    method: sent.method ?? "GET",
    ...(sent.body === undefined ? {} : { body: sent.body }),
    ...(sent.ignoreBody ? { ignoreBody: true } : {}),
    ...(sent.text ? { text: true } : {}),
    headers: cleuraHeaders(token),
    step: call.step,
    secrets: [token.token, password],
  }, http);
  const source = { step: call.step, endpoint: response.endpoint };
  const data = sent.read
    ? sent.read(response.body, source)
    : response.body as T;
  return { ...response, generation, data };
}

/** What {@linkcode sendSettled} needs of the session besides the call. */
export interface SettledOptions extends HttpOptions {
  /** The `apiVersion` setting. */
  apiVersion?: ApiVersion;
  /** The password, never shown. */
  password?: string;
  /** The generation the session's API speaks. */
  generation: () => Promise<"v1" | "v2">;
  /** Validates the token (on `auto`, settling the generation). */
  validate: () => Promise<boolean>;
  /** Told the generation of each answer. */
  spoke?: (generation: "v1" | "v2") => void;
}

/**
 * Sends one call on the generation the API speaks. When that came from the
 * cached token's hint and the API answers that it has no such route (404,
 * 405), the hint is dropped, one validation asks the API, and the call is
 * sent once more on the generation that answered.
 *
 * @param token The API URL, login and token.
 * @param call The call.
 * @param options The session's generation, validation, setting and password.
 * @returns The answer and its generation.
 *
 * @example
 * ```ts ignore
 * import { sendSettled } from "./session_call.ts";
 *
 * const token = { apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" };
 * await sendSettled(token, { step: "list domains", v2: { path: "openstack/identity/v2/domains" } }, {
 *   generation: () => Promise.resolve("v2"),
 *   validate: () => Promise.resolve(true),
 * });
 * ```
 */
export async function sendSettled<T>(
  token: CleuraToken,
  call: CleuraCall<T>,
  options: SettledOptions,
): Promise<CleuraResponse<T>> {
  const { generation: settle, validate, spoke, ...rest } = options;
  const send = async (generation: "v1" | "v2") => {
    const response = await sendCall(token, call, generation, rest);
    spoke?.(generation);
    return response;
  };
  const generation = await settle();
  const hinted = !rest.apiVersion &&
    generationHint(token.apiUrl) === generation;
  try {
    return await send(generation);
  } catch (error) {
    if (!hinted || !absent(error)) throw error;
    dropGenerationHint(token.apiUrl);
    await validate().catch(() => false);
    const now = rememberedGeneration(token.apiUrl);
    if (!now || now === generation) throw error;
    return await send(now);
  }
}

/**
 * The error of a call whose token the API refused when there is no password
 * to log in again with.
 *
 * @param step The call's step.
 * @param login The account.
 * @param status The API's status (401 or 403).
 * @param cause The API's error.
 * @returns The error, saying how to get a new token.
 *
 * @example
 * ```ts
 * import { expiredToken } from "./session_call.ts";
 *
 * console.log(expiredToken("list domains", "alice", 403, undefined).name); // AuthError
 * ```
 */
export function expiredToken(
  step: string,
  login: string,
  status: number,
  cause: unknown,
): AuthError {
  return new AuthError(
    `Cannot ${step}: the token of "${login}" has expired or was revoked (the API answered ${status}); get a new one with \`cloudgate cleura token\` and set CLEURA_API_TOKEN, or set CLEURA_API_PASSWORD so that cloudgate can log in again`,
    { cause },
  );
}

/** The validation settling an API URL's generation, shared while in flight. */
const settling = new Map<string, Promise<void>>();

/**
 * The generation an API speaks, for a session: the pinned setting; else the
 * one an answer in this process settled for the URL; else the one the cached
 * token was saved with (a hint, dropped when it answers that it has no such
 * route); else, when there is a token, the answer of one validation (v2's,
 * or v1's when the API has no v2 route), shared by the calls that wait for
 * it; else `v2` until a login says otherwise. Only a failure to reach the
 * API is thrown: any answer settles the generation, and the call itself then
 * says what is wrong under its own step.
 *
 * @param apiUrl The API's base URL.
 * @param setting The `apiVersion` setting.
 * @param hasToken Whether a token is at hand to validate.
 * @param validate Validates it (on `auto`, settling the generation).
 * @returns `v1` or `v2`.
 *
 * @example
 * ```ts
 * import { settleGeneration } from "./session_call.ts";
 *
 * const none = () => Promise.resolve(false);
 * console.log(await settleGeneration("https://cleura.example", "v1", none, none)); // v1
 * ```
 */
export async function settleGeneration(
  apiUrl: string,
  setting: ApiVersion | undefined,
  hasToken: () => Promise<boolean>,
  validate: () => Promise<boolean>,
): Promise<"v1" | "v2"> {
  if (setting === "v1" || setting === "v2") return setting;
  const known = rememberedGeneration(apiUrl) ?? generationHint(apiUrl);
  if (known) return known;
  if (await hasToken()) {
    const key = urlKey(apiUrl);
    let once = settling.get(key);
    if (!once) {
      once = validate().then(() => {}, (error) => {
        if (!(error instanceof ApiError)) throw error;
      }).finally(() => settling.delete(key));
      settling.set(key, once);
    }
    await once;
  }
  return rememberedGeneration(apiUrl) ?? "v2";
}

/**
 * Saves a fresh token to the cache, if any, with the generation that gave it
 * ({@linkcode tokenGeneration}); a failure to save is a warning, never an
 * error.
 *
 * @param cache The cache, if any.
 * @param token The API URL, login and token.
 * @param warn Called with a failure to save.
 * @param setting The `apiVersion` setting.
 *
 * @example
 * ```ts
 * import { saveToken } from "./session_call.ts";
 *
 * await saveToken(undefined, { apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" }, console.log);
 * ```
 */
export async function saveToken(
  cache: TokenCache | undefined,
  token: CleuraToken,
  warn: (message: string) => void,
  setting?: ApiVersion,
): Promise<void> {
  if (!cache?.enabled) return;
  const generation = tokenGeneration(token.apiUrl, setting);
  await cache.set({ ...token, ...(generation ? { generation } : {}) }).catch(
    (error) =>
      warn(
        error instanceof CloudgateError
          ? error.message
          : "Cannot save the token cache",
      ),
  );
}

/**
 * The generation a fresh token of an API URL came from: the pinned setting,
 * else the one an answer in this process settled (never a mere hint).
 *
 * @param apiUrl The API's base URL.
 * @param setting The `apiVersion` setting.
 * @returns `v1`, `v2`, or `undefined` when no answer said.
 *
 * @example
 * ```ts
 * import { tokenGeneration } from "./session_call.ts";
 *
 * console.log(tokenGeneration("https://cleura.example", "v2")); // v2
 * ```
 */
export function tokenGeneration(
  apiUrl: string,
  setting?: ApiVersion,
): "v1" | "v2" | undefined {
  return setting === "v1" || setting === "v2"
    ? setting
    : rememberedGeneration(apiUrl);
}
