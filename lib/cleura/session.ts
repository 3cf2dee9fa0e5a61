/**
 * A Cleura session: one login and its token, shared by every call. It logs in
 * only when it must, lets concurrent callers share the login in flight (so 20
 * calls make one login and send one SMS), and when the API refuses the token
 * (401, or 403 "Invalid token") logs in again once when it has a password.
 *
 * @module
 */

import type { CleuraConfig } from "../config.ts";
import {
  type ApiError,
  AuthError,
  CloudgateError,
  ConfigError,
} from "../errors.ts";
import {
  type HttpOptions,
  httpOptionsOf,
  httpRequest,
  type HttpResponse,
} from "../http.ts";
import type { TokenCache } from "../token_cache.ts";
import {
  type AskCode,
  cleuraHeaders,
  type CleuraToken,
  isTokenRejected,
  loginCleura,
  type LoginEvent,
  requestSmsCode,
  revokeToken,
  startLogin,
  validateToken,
  verifySmsCode,
} from "./auth.ts";

/**
 * How long an SMS code stays valid after it is sent (10 minutes, as Cleura
 * documents); a stepwise login reuses its challenge for that long.
 *
 * @example
 * ```ts
 * import { SMS_CODE_TTL_MS } from "@cloudgate/toolkit";
 *
 * console.log(SMS_CODE_TTL_MS / 60_000); // 10
 * ```
 */
export const SMS_CODE_TTL_MS = 10 * 60_000;

/**
 * The shortest time between two SMS for one account in a stepwise login (60
 * seconds).
 *
 * @example
 * ```ts
 * import { SMS_RESEND_MS } from "@cloudgate/toolkit";
 *
 * console.log(SMS_RESEND_MS / 1000); // 60
 * ```
 */
export const SMS_RESEND_MS = 60_000;

/**
 * Where a stepwise login stands: a token, or an SMS challenge whose code the
 * user must give (see {@linkcode CleuraSession.beginLogin}).
 */
export type LoginStep =
  | { kind: "token" }
  | {
    kind: "sms";
    /** The verification handle; a secret, never shown. */
    verification: string;
    /** When the SMS was sent (ms since the epoch), if it was. */
    smsSentAt?: number;
  };

interface PendingChallenge {
  verification: string;
  createdAt: number;
  smsSentAt?: number;
  sending?: Promise<number>;
}

/** A step of a session's life, for progress messages. Never holds a secret. */
export type SessionEvent =
  | LoginEvent
  | { type: "token-reused"; login: string; source: "memory" | "cache" }
  | { type: "token-rejected"; login: string }
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
}

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
  #cacheChecked = false;
  #pending: PendingChallenge | undefined;
  #starting: Promise<LoginStep> | undefined;
  #lastSmsAt = -Infinity;

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
    if (!config.username) {
      throw new ConfigError("CLEURA_API_USERNAME is not set");
    }
    if (!config.password && !config.token && !options.cache?.enabled) {
      throw new ConfigError(
        "Neither CLEURA_API_PASSWORD nor CLEURA_API_TOKEN is set",
      );
    }
    return new CleuraSession({
      ...options,
      apiUrl: config.apiUrl,
      login: config.username,
      ...(config.password ? { password: config.password } : {}),
      ...(config.token ? { token: config.token } : {}),
      ...(config.twofa ? { twofa: config.twofa } : {}),
    });
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
    this.#loading ??= this.#acquire(options.askCode).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
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
    if (!this.#loading) {
      this.#token = undefined;
      this.#cacheChecked = true;
    }
    return this.token(options);
  }

  async #acquire(askCode: AskCode | undefined): Promise<string> {
    const stored = await this.storedToken();
    if (stored !== undefined) return stored;
    const password = this.#options.password;
    if (password === undefined) {
      throw new AuthError(
        `Cannot log in "${this.login}": no password is set (CLEURA_API_PASSWORD) and no valid token is available`,
      );
    }
    const result = await loginCleura(
      { apiUrl: this.apiUrl, login: this.login, password },
      {
        ...httpOptionsOf(this.#options),
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

  /** Whether a token was rejected and a fresh login can replace it. */
  #canRelogin(): boolean {
    return this.#options.password !== undefined;
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
   * @returns The status and parsed body.
   * @throws {ApiError} When the API refuses, or refuses the token again after
   * a fresh login.
   */
  async request(
    call: CleuraCall,
    options: SessionCallOptions = {},
  ): Promise<HttpResponse> {
    const { askCode, login, ...rest } = options;
    const http = { ...httpOptionsOf(this.#options), ...rest };
    for (let attempt = 1;; attempt++) {
      const token = login === false
        ? await this.storedToken()
        : await this.token(askCode ? { askCode } : {});
      if (token === undefined) {
        if (this.#options.password === undefined) {
          throw new AuthError(
            `Cannot ${call.step}: no valid token for "${this.login}" and no password is set to log in (CLEURA_API_PASSWORD)`,
          );
        }
        throw new LoginRequiredError(this.login);
      }
      try {
        return await httpRequest({
          baseUrl: this.apiUrl,
          path: call.path,
          method: call.method ?? "GET",
          ...(call.body === undefined ? {} : { body: call.body }),
          headers: cleuraHeaders({
            apiUrl: this.apiUrl,
            login: this.login,
            token,
          }),
          step: call.step,
          secrets: [token, this.#options.password],
        }, http);
      } catch (error) {
        if (!isTokenRejected(error)) throw error;
        await this.#drop(token);
        if (!this.#canRelogin()) {
          throw new AuthError(
            `Cannot ${call.step}: the token of "${this.login}" has expired or was revoked (the API answered ${
              (error as ApiError).status
            }); get a new one with \`deno task cli cleura token\` and set CLEURA_API_TOKEN, or set CLEURA_API_PASSWORD so that cloudgate can log in again`,
            { cause: error },
          );
        }
        if (attempt >= 2) throw error;
      }
    }
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
    if (this.#token !== undefined) return this.#token;
    const cache = this.#options.cache;
    if (cache?.enabled && !this.#cacheChecked) {
      this.#cacheChecked = true;
      const cached = await cache.get(this).catch(() => undefined);
      if (cached) {
        this.#token = cached.token;
        this.#event({
          type: "token-reused",
          login: this.login,
          source: "cache",
        });
      }
    }
    return this.#token;
  }

  /**
   * The first step of a stepwise login: posts the password (once, however
   * many callers ask at the same time) and answers with a token, stored in
   * the session, or an SMS challenge. A challenge whose code is still valid
   * (10 minutes after its SMS) is reused without contacting the API.
   *
   * @param options Timeout and signal.
   * @returns `{ kind: "token" }`, or the SMS challenge.
   * @throws {AuthError} When no password is set.
   *
   * @example
   * ```ts ignore
   * const step = await session.beginLogin();
   * if (step.kind === "sms") await session.sendSmsCode(step.verification);
   * ```
   */
  beginLogin(options: HttpOptions = {}): Promise<LoginStep> {
    const pending = this.#livePending();
    if (pending) {
      return Promise.resolve({
        kind: "sms",
        verification: pending.verification,
        ...(pending.smsSentAt === undefined
          ? {}
          : { smsSentAt: pending.smsSentAt }),
      });
    }
    this.#starting ??= this.#begin(options).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  #livePending(): PendingChallenge | undefined {
    const pending = this.#pending;
    if (!pending) return undefined;
    const born = pending.smsSentAt ?? pending.createdAt;
    if (Date.now() - born < SMS_CODE_TTL_MS) return pending;
    this.#pending = undefined;
    return undefined;
  }

  async #begin(options: HttpOptions): Promise<LoginStep> {
    const password = this.#options.password;
    if (password === undefined) {
      throw new AuthError(
        `Cannot log in "${this.login}": no password is set (CLEURA_API_PASSWORD) and no valid token is available`,
      );
    }
    this.#event({ type: "login-started", login: this.login });
    const start = await startLogin(
      { apiUrl: this.apiUrl, login: this.login, password },
      {
        ...httpOptionsOf(this.#options),
        ...options,
        ...(this.#options.twofa ? { twofa: this.#options.twofa } : {}),
      },
    );
    if (start.kind === "token") {
      await this.#store(start.token);
      return { kind: "token" };
    }
    this.#pending = { verification: start.verification, createdAt: Date.now() };
    return { kind: "sms", verification: start.verification };
  }

  /**
   * The second step: has the API send the SMS for a challenge from
   * {@linkcode CleuraSession.beginLogin}. One SMS per challenge, however
   * often it is called, and at most one per account every 60 seconds.
   *
   * @param verification The challenge's verification handle.
   * @param options Timeout and signal.
   * @returns When the SMS was sent (ms since the epoch).
   * @throws {AuthError} When the challenge is unknown, or an SMS went out
   * less than 60 seconds ago for another challenge.
   *
   * @example
   * ```ts ignore
   * const step = await session.beginLogin();
   * if (step.kind === "sms") await session.sendSmsCode(step.verification);
   * ```
   */
  sendSmsCode(
    verification: string,
    options: HttpOptions = {},
  ): Promise<number> {
    const pending = this.#livePending();
    if (!pending || pending.verification !== verification) {
      return Promise.reject(
        new AuthError(
          `Cannot send the SMS code for "${this.login}": the login has expired; start again`,
        ),
      );
    }
    if (pending.smsSentAt !== undefined) {
      return Promise.resolve(pending.smsSentAt);
    }
    const wait = this.#lastSmsAt + SMS_RESEND_MS - Date.now();
    if (wait > 0) {
      return Promise.reject(
        new AuthError(
          `Cannot send another SMS code to "${this.login}" yet: wait ${
            Math.ceil(wait / 1000)
          } s`,
        ),
      );
    }
    pending.sending ??= (async () => {
      await requestSmsCode(
        { apiUrl: this.apiUrl, login: this.login, verification },
        { ...httpOptionsOf(this.#options), ...options },
      );
      const now = Date.now();
      pending.smsSentAt = now;
      this.#lastSmsAt = now;
      this.#event({ type: "sms-sent", login: this.login });
      return now;
    })().finally(() => {
      delete pending.sending;
    });
    return pending.sending;
  }

  /**
   * The third step: checks the code the user typed and keeps the token. A
   * wrong code leaves the challenge open for another try with the same SMS.
   *
   * @param verification The challenge's verification handle.
   * @param code The code, as typed or as a number.
   * @param options Timeout and signal.
   * @returns Nothing; the session now holds the token.
   * @throws {ApiError} On a wrong code (400 or 401) or an expired challenge.
   * @throws {AuthError} When the code is not up to six digits.
   *
   * @example
   * ```ts ignore
   * await session.finishLogin(step.verification, "123456");
   * ```
   */
  async finishLogin(
    verification: string,
    code: number | string,
    options: HttpOptions = {},
  ): Promise<void> {
    const token = await verifySmsCode(
      { apiUrl: this.apiUrl, login: this.login, verification, code },
      { ...httpOptionsOf(this.#options), ...options },
    );
    if (this.#pending?.verification === verification) this.#pending = undefined;
    await this.#store(token);
  }

  /**
   * Forgets an SMS challenge that can no longer be answered (the API said
   * it expired), so the next login starts afresh.
   *
   * @param verification The challenge's verification handle.
   *
   * @example
   * ```ts ignore
   * session.dropChallenge(step.verification);
   * ```
   */
  dropChallenge(verification: string): void {
    if (this.#pending?.verification === verification) this.#pending = undefined;
  }

  async #store(token: string): Promise<void> {
    this.#event({ type: "logged-in", login: this.login });
    await this.#keep(token);
  }

  /** Holds a fresh token and saves it to the cache, if any. */
  async #keep(token: string): Promise<void> {
    this.#token = token;
    this.#cacheChecked = true;
    const cache = this.#options.cache;
    if (!cache?.enabled) return;
    await cache.set({ apiUrl: this.apiUrl, login: this.login, token }).catch(
      (error) =>
        this.#event({
          type: "warning",
          message: error instanceof CloudgateError
            ? error.message
            : "Cannot save the token cache",
        }),
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
    const token = await this.#existingToken();
    if (token === undefined) return false;
    return await validateToken(this.#tokenOf(token), {
      ...httpOptionsOf(this.#options),
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
    const token = await this.#existingToken();
    if (token === undefined) return false;
    try {
      await revokeToken(this.#tokenOf(token), {
        ...httpOptionsOf(this.#options),
        ...options,
      });
    } catch (error) {
      if (!isTokenRejected(error)) throw error;
    }
    this.#token = undefined;
    await this.#options.cache?.delete(this);
    return true;
  }

  async #existingToken(): Promise<string | undefined> {
    if (this.#token !== undefined) return this.#token;
    const cached = await this.#options.cache?.get(this);
    if (cached) this.#token = cached.token;
    return this.#token;
  }

  #tokenOf(token: string): CleuraToken {
    return { apiUrl: this.apiUrl, login: this.login, token };
  }
}
