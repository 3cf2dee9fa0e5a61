/**
 * What a {@linkcode CleuraSession} is made with and told: its options, the
 * options of one call, the events it reports, and the error of a call that
 * needs a login it was told not to start.
 *
 * @module
 */

import { AuthError, ConfigError } from "../errors.ts";
import { type HttpOptions, httpOptionsOf } from "../http.ts";
import type { TokenCache } from "../token_cache.ts";
import type { CleuraConfig } from "./settings.ts";
import type {
  ApiVersion,
  AskCode,
  AuthCallOptions,
  LoginEvent,
} from "./auth.ts";

/** A step of a session's life, for progress messages. Never holds a secret. */
export type SessionEvent =
  | LoginEvent
  | { type: "token-reused"; login: string; source: "memory" | "cache" }
  | { type: "token-rejected"; login: string }
  /** Another process is logging in to this account; this one waits for it. */
  | { type: "login-waiting"; login: string; pid?: number }
  | { type: "warning"; message: string }
  /** The API generation that answered this session's first call. */
  | { type: "generation"; apiUrl: string; generation: "v1" | "v2" };

/** Options of a {@linkcode CleuraSession}. */
export interface CleuraSessionOptions extends HttpOptions {
  /** The API's base URL. */
  apiUrl: string;
  /** The Cleura login (username). */
  login: string;
  /** The password; without it, the session can only use a given or cached token. */
  password?: string;
  /** A token to use first (such as `CLEURA_API_TOKEN`). */
  token?: string;
  /** `sms` asks for SMS two-factor up front. */
  twofa?: "sms";
  /** The auth API generation (default `auto`: v2, else v1). */
  apiVersion?: ApiVersion;
  /** Asks the user for the SMS code. */
  askCode?: AskCode;
  /** Where to keep tokens across processes. */
  cache?: TokenCache;
  /** Called with each step of the session, for progress messages. */
  onEvent?: (event: SessionEvent) => void;
}

/**
 * Options of one call through a {@linkcode CleuraSession}: timeout and signal,
 * and the `askCode` to use should this call be the one that starts a login
 * (an MCP server asks the user of the tool call that needs the code).
 */
export interface SessionCallOptions extends HttpOptions {
  /** Asks for the SMS code; overrides the session's own for this call. */
  askCode?: AskCode;
  /**
   * `false` never starts a login: a call that needs one throws
   * {@linkcode LoginRequiredError} instead (a caller that drives the login
   * step by step, such as the MCP server, does so).
   */
  login?: boolean;
}

/**
 * A call needed a fresh login and was told not to start one
 * (`login: false`); the caller logs in step by step and calls again.
 *
 * @example
 * ```ts
 * import { AuthError, LoginRequiredError } from "@cloudgate/toolkit";
 *
 * console.log(new LoginRequiredError("alice") instanceof AuthError); // true
 * ```
 */
export class LoginRequiredError extends AuthError {
  /**
   * Creates the error.
   *
   * @param login The account that needs a login.
   * @param options The underlying `cause`, if any.
   */
  constructor(login: string, options?: ErrorOptions) {
    super(`Cannot continue: "${login}" must log in first`, options);
    this.name = "LoginRequiredError";
  }
}

/**
 * Reads one generation's answer (the parsed JSON body, or the text with
 * `text`) into what its call returns; `source` names the call and endpoint
 * for an error.
 */
export type CleuraReader<T> = (
  body: unknown,
  source: { step: string; endpoint: string },
) => T;

/** What one API generation sends for a call, and how its answer reads. */
export interface CleuraEndpoint<T = unknown> {
  /** The path below the API's base URL. */
  path: string;
  /** The HTTP method (default `GET`). */
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** A value to send as JSON. */
  body?: unknown;
  /** Ignore the body of a 2xx answer (such as a 202 "accepted"). */
  ignoreBody?: boolean;
  /** Take the body as the text it is, whatever its content type. */
  text?: boolean;
  /** Reads this generation's answer (default: the body as it is). */
  read?: CleuraReader<T>;
}

/**
 * One authenticated call through a {@linkcode CleuraSession}: one endpoint
 * for both generations of the API, or each generation's own (`v1`, `v2`); a
 * call that exists in one generation only declares that one. The session
 * sends the one of the generation its API speaks.
 *
 * @example
 * ```ts
 * import type { CleuraCall } from "@cloudgate/toolkit/cleura";
 *
 * const call: CleuraCall = {
 *   step: "list domains",
 *   v1: { path: "accesscontrol/v1/openstack/domains" },
 *   v2: { path: "openstack/identity/v2/domains" },
 * };
 * console.log(call.v2?.path); // openstack/identity/v2/domains
 * ```
 */
export type CleuraCall<T = unknown> =
  & {
    /** What is being done, worded to follow "Cannot". */
    step: string;
  }
  & (
    | CleuraEndpoint<T>
    | {
      /** What v1 sends and how its answer reads, if v1 has this call. */
      v1?: CleuraEndpoint<T>;
      /** What v2 sends and how its answer reads, if v2 has this call. */
      v2?: CleuraEndpoint<T>;
    }
  );

/** A session's options for a call about its login or token. */
export function authOptionsOf(options: CleuraSessionOptions): AuthCallOptions {
  const { apiVersion } = options;
  return { ...httpOptionsOf(options), ...(apiVersion ? { apiVersion } : {}) };
}

/**
 * A session's options from the Cleura settings, checked.
 *
 * @param config The settings.
 * @param options Callbacks, cache, timeout and signal.
 * @returns The options.
 * @throws {ConfigError} When `CLEURA_API_USERNAME` is missing, or neither a
 * password nor a token is set (and no cache could hold one).
 *
 * @example
 * ```ts
 * import { cleuraConfig } from "@cloudgate/toolkit";
 * import { sessionOptionsOf } from "./session_options.ts";
 *
 * const options = sessionOptionsOf(cleuraConfig({ CLEURA_API_USERNAME: "alice", CLEURA_API_TOKEN: "t0k3n" }));
 * console.log(options.login); // alice
 * ```
 */
export function sessionOptionsOf(
  config: CleuraConfig,
  options: Omit<CleuraSessionOptions, "apiUrl" | "login"> = {},
): CleuraSessionOptions {
  if (!config.username) {
    throw new ConfigError("CLEURA_API_USERNAME is not set");
  }
  if (!config.password && !config.token && !options.cache?.enabled) {
    throw new ConfigError(
      "Neither CLEURA_API_PASSWORD nor CLEURA_API_TOKEN is set",
    );
  }
  return {
    ...options,
    apiUrl: config.apiUrl,
    login: config.username,
    ...(config.password ? { password: config.password } : {}),
    ...(config.token ? { token: config.token } : {}),
    ...(config.twofa ? { twofa: config.twofa } : {}),
    ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
  };
}
