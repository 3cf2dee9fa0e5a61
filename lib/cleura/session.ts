/**
 * A Cleura session: one login and its token, shared by every call. It logs in
 * only when it must, lets concurrent callers share the login in flight (so 20
 * calls make one login and send one SMS), and when the API refuses the token
 * (401, or 403 "Invalid token") logs in again once when it has a password.
 *
 * @module
 */

import type { CleuraConfig } from "./settings.ts";
import { type ApiError, AuthError, ConfigError } from "../errors.ts";
import { type HttpOptions, httpOptionsOf } from "../http.ts";
import { type AskCode, type CleuraToken, loginCleura } from "./auth.ts";
import { hintGeneration } from "./auth_generation.ts";
import { StepwiseLogin } from "./stepwise_login.ts";
import {
  type CleuraResponse,
  expiredToken,
  saveToken,
  sendSettled,
  settleGeneration,
} from "./session_call.ts";
import { sessionLock } from "./session_lock.ts";
import type {
  CleuraCall,
  CleuraSessionOptions,
  SessionCallOptions,
  SessionEvent,
} from "./session_options.ts";
import {
  authOptionsOf,
  LoginRequiredError,
  sessionOptionsOf,
} from "./session_options.ts";
import { isTokenRejected, revokeToken, validateToken } from "./token.ts";

/**
 * A logged-in (or ready to log in) Cleura account.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, listRegions } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({
 *   apiUrl: "https://rest.cleura.cloud",
 *   login: "alice",
 *   password: Deno.env.get("CLEURA_API_PASSWORD")!,
 *   askCode: () => Promise.resolve(prompt("SMS code:") ?? undefined),
 * });
 * console.log(await listRegions(session));
 * ```
 */
export class CleuraSession {
  /** The API's base URL. */
  readonly apiUrl: string;
  /** The Cleura login. */
  readonly login: string;
  #options: CleuraSessionOptions;
  #token: string | undefined;
  #loading: Promise<string> | undefined;
  #spoken: "v1" | "v2" | undefined;
  /**
   * The stepwise login of this account (password, SMS, code as separate
   * calls), for a caller that cannot wait inside one call for the code, such
   * as an MCP server; its token becomes this session's.
   */
  readonly steps: StepwiseLogin;

  /**
   * Creates a session; nothing is sent until a call needs the token.
   *
   * @param options The API URL, login, secrets and callbacks.
   * @throws {ConfigError} When the login is empty.
   */
  constructor(options: CleuraSessionOptions) {
    if (options.login.trim() === "") {
      throw new ConfigError("The Cleura login must not be empty");
    }
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.login = options.login;
    this.#options = options;
    this.#token = options.token;
    this.steps = new StepwiseLogin({
      apiUrl: this.apiUrl,
      login: this.login,
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.twofa ? { twofa: options.twofa } : {}),
      http: () => authOptionsOf(this.#options),
      onEvent: (event) => this.#event(event),
      onToken: (token) => this.#keep(token),
      lock: (signal) => this.#lock(signal),
      recheck: async () => (await this.#fromCache()) !== undefined,
    });
  }

  /**
   * Creates a session from the Cleura settings (as {@linkcode cleuraConfig}
   * reads them from the environment).
   *
   * @param config The settings.
   * @param options Callbacks, cache, timeout and signal.
   * @returns The session.
   * @throws {ConfigError} When `CLEURA_API_USERNAME` is missing, or neither a
   * password nor a token is set.
   *
   * @example
   * ```ts
   * import { cleuraConfig, CleuraSession } from "@cloudgate/toolkit";
   *
   * const session = CleuraSession.fromConfig(
   *   cleuraConfig({ CLEURA_API_USERNAME: "alice", CLEURA_API_TOKEN: "t0k3n" }),
   * );
   * console.log(session.login); // alice
   * ```
   */
  static fromConfig(
    config: CleuraConfig,
    options: Omit<CleuraSessionOptions, "apiUrl" | "login"> = {},
  ): CleuraSession {
    return new CleuraSession(sessionOptionsOf(config, options));
  }

  #event(event: SessionEvent): void {
    this.#options.onEvent?.(event);
  }

  /**
   * Reports a warning (such as an element of a list left out) through the
   * session's `onEvent`, for the CLI or MCP server to show.
   *
   * @param message One line; never a secret.
   *
   * @example
   * ```ts
   * import { CleuraSession } from "@cloudgate/toolkit";
   *
   * const session = new CleuraSession({
   *   apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n",
   *   onEvent: (event) => console.log(event.type), // warning
   * });
   * session.warn('Left out domain "7": "area" is missing');
   * ```
   */
  warn(message: string): void {
    this.#event({ type: "warning", message });
  }

  /**
   * Returns the session's token, logging in first when there is none: a given
   * token, then a cached one, then a fresh login. Concurrent callers share one
   * login in flight.
   *
   * @param options The `askCode` to use if this call starts the login.
   * @returns The token.
   * @throws {AuthError} When there is no token and no password to log in with.
   */
  token(options: { askCode?: AskCode } = {}): Promise<string> {
    if (this.#token !== undefined) {
      this.#event({
        type: "token-reused",
        login: this.login,
        source: "memory",
      });
      return Promise.resolve(this.#token);
    }
    return this.#start(options.askCode, false);
  }

  /**
   * Forgets the current token without revoking it and logs in afresh, skipping
   * the cache (the new token is saved to it).
   *
   * @param options The `askCode` to use for this login.
   * @returns The new token.
   * @throws {AuthError} When there is no password to log in with.
   */
  relogin(options: { askCode?: AskCode } = {}): Promise<string> {
    if (!this.#loading) this.#token = undefined;
    return this.#start(options.askCode, true);
  }

  #start(askCode: AskCode | undefined, fresh: boolean): Promise<string> {
    this.#loading ??= this.#acquire(askCode, fresh).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #acquire(askCode: AskCode | undefined, fresh: boolean) {
    // A relogin takes no cached token, but one stored while it waited.
    const cached = fresh
      ? await this.#options.cache?.get(this).catch(() => undefined)
      : undefined;
    const stored = fresh ? undefined : await this.storedToken();
    if (stored !== undefined) return stored;
    const password = this.#options.password;
    if (password === undefined) {
      throw new AuthError(
        `Cannot log in "${this.login}": no password is set (CLEURA_API_PASSWORD) and no valid token is available`,
      );
    }
    using lock = await this.#lock(httpOptionsOf(this.#options).signal);
    const theirs = lock ? await this.#fromCache(cached?.token) : undefined;
    if (theirs !== undefined) return theirs;
    const result = await loginCleura(
      { apiUrl: this.apiUrl, login: this.login, password },
      {
        ...authOptionsOf(this.#options),
        ...(this.#options.twofa ? { twofa: this.#options.twofa } : {}),
        ...(askCode ?? this.#options.askCode
          ? { askCode: askCode ?? this.#options.askCode }
          : {}),
        onEvent: (event) => this.#event(event),
      },
    );
    await this.#keep(result.token);
    return result.token;
  }

  async #drop(token: string): Promise<void> {
    if (this.#token !== token) return;
    this.#token = undefined;
    this.#event({ type: "token-rejected", login: this.login });
    await this.#options.cache?.delete(this).catch(() => {});
  }

  /**
   * Sends an authenticated call. When the API refuses the token (401, or 403
   * "Invalid token") the token is dropped (from memory and the cache) and,
   * when the session has a password, one fresh login runs and the call is
   * sent again. Any other 403 is a permission error and never logs in.
   *
   * @param call The path, method, body and step.
   * @param options Timeout, signal, and the `askCode` for a login this call starts.
   * @returns The status, the body, the generation that answered, and `data`:
   * the answer as that generation's `read` reads it.
   * @throws {ApiError} When the API refuses, or refuses the token again after
   * a fresh login.
   */
  async request<T = unknown>(
    call: CleuraCall<T>,
    options: SessionCallOptions = {},
  ): Promise<CleuraResponse<T>> {
    const { askCode, login, ...rest } = options;
    const http = { ...httpOptionsOf(this.#options), ...rest };
    for (let attempt = 1;; attempt++) {
      const token = login === false
        ? await this.storedToken()
        : await this.token(askCode ? { askCode } : {});
      const { apiVersion, password } = this.#options;
      if (token === undefined) {
        throw password === undefined
          ? new AuthError(
            `Cannot ${call.step}: no valid token for "${this.login}" and no password is set to log in (CLEURA_API_PASSWORD)`,
          )
          : new LoginRequiredError(this.login);
      }
      try {
        return await sendSettled(this.#tokenOf(token), call, {
          ...http,
          ...(apiVersion ? { apiVersion } : {}),
          ...(password ? { password } : {}),
          generation: () => this.generation(http),
          validate: () => this.validate(http),
          spoke: (generation) => {
            if (this.#spoken === generation) return;
            this.#spoken = generation;
            this.#event({
              type: "generation",
              apiUrl: this.apiUrl,
              generation,
            });
          },
        });
      } catch (error) {
        if (!isTokenRejected(error)) throw error;
        await this.#drop(token);
        const { status } = error as ApiError;
        if (password === undefined) {
          throw expiredToken(call.step, this.login, status, error);
        }
        if (attempt >= 2) throw error;
      }
    }
  }

  /**
   * The generation of the API this session speaks (as
   * {@linkcode settleGeneration} settles it: the setting, what this process
   * knows, or one validation of the token at hand).
   *
   * @param options Timeout and signal of that validation.
   * @returns `v1` or `v2`.
   */
  generation(options: HttpOptions = {}): Promise<"v1" | "v2"> {
    return settleGeneration(
      this.apiUrl,
      this.#options.apiVersion,
      async () => (await this.storedToken()) !== undefined,
      () => this.validate(options),
    );
  }

  /**
   * The token the session already holds (given, in memory or in the cache),
   * without logging in.
   *
   * @returns The token, or `undefined` when a login is needed.
   *
   * @example
   * ```ts
   * import { CleuraSession } from "@cloudgate/toolkit";
   *
   * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
   * console.log(await session.storedToken()); // t0k3n
   * ```
   */
  async storedToken(): Promise<string | undefined> {
    return this.#token ?? await this.#fromCache();
  }

  /** The cached token unless it is `stale`: read whenever none is held. */
  async #fromCache(stale?: string): Promise<string | undefined> {
    const cache = this.#options.cache;
    if (!cache?.enabled) return undefined;
    const cached = await cache.get(this).catch(() => undefined);
    if (!cached || cached.token === stale) return undefined;
    if (cached.generation && !this.#options.apiVersion) {
      hintGeneration(this.apiUrl, cached.generation);
    }
    this.#token ??= cached.token;
    this.#event({ type: "token-reused", login: this.login, source: "cache" });
    return this.#token;
  }

  #lock(signal: AbortSignal | undefined) {
    return sessionLock(
      this.#options.cache,
      this,
      signal,
      (e) => this.#event(e),
    );
  }

  /** Holds a fresh token and saves it to the cache, if any. */
  async #keep(token: string): Promise<void> {
    this.#token = token;
    await saveToken(
      this.#options.cache,
      this.#tokenOf(token),
      (message) => this.warn(message),
      this.#options.apiVersion,
    );
  }

  /**
   * Asks the API whether the session's current token is valid. Does not log
   * in: a session without a token answers `false`.
   *
   * @param options Timeout and signal.
   * @returns `true` when the API accepts the token.
   */
  async validate(options: HttpOptions = {}): Promise<boolean> {
    const token = await this.storedToken();
    if (token === undefined) return false;
    return await validateToken(this.#tokenOf(token), {
      ...authOptionsOf(this.#options),
      ...options,
    });
  }

  /**
   * Revokes the session's token, if it has one, and forgets it (in memory and
   * in the cache).
   *
   * @param options Timeout and signal.
   * @returns Whether a token was revoked.
   */
  async logout(options: HttpOptions = {}): Promise<boolean> {
    const token = await this.storedToken();
    if (token === undefined) return false;
    try {
      await revokeToken(this.#tokenOf(token), {
        ...authOptionsOf(this.#options),
        ...options,
      });
    } catch (error) {
      if (!isTokenRejected(error)) throw error;
    }
    this.#token = undefined;
    await this.#options.cache?.delete(this);
    return true;
  }

  #tokenOf(token: string): CleuraToken {
    return { apiUrl: this.apiUrl, login: this.login, token };
  }
}
