/**
 * What a {@linkcode CleuraSession} is made with and told: its options, the
 * options of one call, the events it reports, and the error of a call that
 * needs a login it was told not to start.
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import { type HttpOptions, httpOptionsOf } from "../http.ts";
import type { TokenCache } from "../token_cache.ts";
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
  | { type: "warning"; message: string };

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

/** One authenticated call through a {@linkcode CleuraSession}. */
export interface CleuraCall {
  /** The path below the API's base URL. */
  path: string;
  /** The HTTP method (default `GET`). */
  method?: "GET" | "POST" | "DELETE";
  /** A value to send as JSON. */
  body?: unknown;
  /** What is being done, worded to follow "Cannot". */
  step: string;
  /** Ignore the body of a 2xx answer (such as a 202 "accepted"). */
  ignoreBody?: boolean;
}

/** A session's options for a call about its login or token. */
export function authOptionsOf(options: CleuraSessionOptions): AuthCallOptions {
  const { apiVersion } = options;
  return { ...httpOptionsOf(options), ...(apiVersion ? { apiVersion } : {}) };
}
