/**
 * itopia authentication: the login method (`POST accounts/login/`) and a
 * bearer provider that mints a JWT from the API key when there is one, else
 * logs in, and reuses its token until 60 s before it expires.
 *
 * @module
 */

import { z } from "zod";
import type { ItopiaConfig } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { type HttpOptions, httpOptionsOf, httpRequest } from "../http.ts";
import { parseBody } from "../parse.ts";
import { mintJwt } from "./jwt.ts";

/** A CAS admin's username and password, for the login method. */
export interface ItopiaCredentials {
  /** The CAS API's base URL. */
  apiUrl: string;
  /** The CAS admin's username. */
  username: string;
  /** The CAS admin's password. */
  password: string;
}

/** A bearer token and when it expires. */
export interface ItopiaToken {
  /** The JWT to send as `Authorization: Bearer`. */
  token: string;
  /** When it expires (ISO 8601). */
  expiresAt: string;
  /** How the login's `Cielo_Expiration_Token` was read (login method only). */
  expiryReading?: ItopiaExpiryReading;
}

const ONE_HOUR_MS = 3_600_000;

const loginAnswer = z.looseObject({
  Cielo_Token: z.string().min(1),
  Cielo_Expiration_Token: z.number().optional(),
});

/** How {@linkcode readItopiaExpiry} read `Cielo_Expiration_Token`. */
export type ItopiaExpiryReading =
  | "epoch-ms"
  | "epoch-seconds"
  | "lifetime-seconds"
  | "missing";

/**
 * Reads `Cielo_Expiration_Token`. The seed calls it an expiration timestamp
 * but does not give its unit: a value from 10^12 up is read as epoch
 * milliseconds, from 10^9 up as epoch seconds, and a smaller one as a
 * lifetime in seconds. Whatever it says, the expiry is never more than one
 * hour away, as the documentation says tokens are valid for one hour.
 *
 * @param value The field's value, if any.
 * @param now The time of the login (default now).
 * @returns The expiry time, the reading taken, and whether the one-hour cap
 * applied.
 *
 * @example
 * ```ts
 * import { readItopiaExpiry } from "@cloudgate/toolkit";
 *
 * const now = new Date("2026-01-01T00:00:00Z");
 * const read = readItopiaExpiry(1_767_225_900, now);
 * console.log(read.reading, read.expiresAt.toISOString()); // epoch-seconds 2026-01-01T00:05:00.000Z
 * ```
 */
export function readItopiaExpiry(
  value: number | undefined,
  now: Date = new Date(),
): { expiresAt: Date; reading: ItopiaExpiryReading; capped: boolean } {
  const base = now.getTime();
  const cap = base + ONE_HOUR_MS;
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    return { expiresAt: new Date(cap), reading: "missing", capped: true };
  }
  let at: number;
  let reading: ItopiaExpiryReading;
  if (value >= 1e12) {
    at = value;
    reading = "epoch-ms";
  } else if (value >= 1e9) {
    at = value * 1000;
    reading = "epoch-seconds";
  } else {
    at = base + value * 1000;
    reading = "lifetime-seconds";
  }
  return {
    expiresAt: new Date(Math.min(at, cap)),
    reading,
    capped: at > cap,
  };
}

/**
 * Turns `Cielo_Expiration_Token` into an expiry time, as
 * {@linkcode readItopiaExpiry} reads it.
 *
 * @param value The field's value, if any.
 * @param now The time of the login (default now).
 * @returns The expiry time.
 *
 * @example
 * ```ts
 * import { itopiaExpiry } from "@cloudgate/toolkit";
 *
 * const now = new Date("2026-01-01T00:00:00Z");
 * console.log(itopiaExpiry(600, now).toISOString()); // 2026-01-01T00:10:00.000Z
 * ```
 */
export function itopiaExpiry(
  value: number | undefined,
  now: Date = new Date(),
): Date {
  return readItopiaExpiry(value, now).expiresAt;
}

/**
 * How long before its expiry a token is replaced: 60 seconds, but never more
 * than half of the lifetime it had when it was obtained, so that a short-lived
 * token is still used for half its life instead of not at all.
 *
 * @param lifetimeMs The token's lifetime when it was obtained.
 * @returns The margin, in milliseconds.
 *
 * @example
 * ```ts
 * import { refreshMarginMs } from "@cloudgate/toolkit";
 *
 * console.log(refreshMarginMs(3_600_000), refreshMarginMs(60_000)); // 60000 30000
 * ```
 */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.max(0, Math.min(60_000, lifetimeMs / 2));
}

/**
 * Logs in with the login method: `POST accounts/login/` with a CAS admin's
 * username and password. Admins who sign in with Google or Microsoft SSO have
 * no CAS password and cannot use it; they use an API key instead.
 *
 * @param credentials The API URL, username and password.
 * @param options Timeout and signal.
 * @returns The token (`Cielo_Token`) and its expiry.
 * @throws {ApiError} On wrong credentials or another refusal.
 *
 * @example
 * ```ts ignore
 * import { loginItopia } from "@cloudgate/toolkit";
 *
 * const { token, expiresAt } = await loginItopia({
 *   apiUrl: "https://cas-rest.itopia.com/api/v2",
 *   username: "admin@example.com",
 *   password: Deno.env.get("ITOPIA_PASSWORD")!,
 * });
 * ```
 */
export async function loginItopia(
  credentials: ItopiaCredentials,
  options: HttpOptions = {},
): Promise<ItopiaToken> {
  const step = `log in "${credentials.username}" to itopia`;
  const { body, endpoint } = await httpRequest({
    baseUrl: credentials.apiUrl,
    path: "accounts/login/",
    method: "POST",
    body: { username: credentials.username, password: credentials.password },
    step,
    secrets: [credentials.password],
  }, options);
  const answer = parseBody(loginAnswer, body, { step, endpoint });
  const read = readItopiaExpiry(answer.Cielo_Expiration_Token);
  return {
    token: answer.Cielo_Token,
    expiresAt: read.expiresAt.toISOString(),
    expiryReading: read.reading,
  };
}

/** Options of an {@linkcode ItopiaAuth}. */
export interface ItopiaAuthOptions extends HttpOptions {
  /** The CAS API's base URL. */
  apiUrl: string;
  /** The API key; when set, tokens are minted locally. */
  apiKey?: string;
  /** The organization, needed with an API key. */
  organizationId?: number;
  /** The deployment to pin minted tokens to. */
  deploymentId?: number;
  /** The lifetime of minted tokens, in seconds (default 3,600). */
  ttlSeconds?: number;
  /** A CAS admin's username, for the login method. */
  username?: string;
  /** That admin's password. */
  password?: string;
  /** Called with each step, for progress messages. Never given a secret. */
  onEvent?: (event: ItopiaAuthEvent) => void;
}

/** A step of an {@linkcode ItopiaAuth}, for progress messages. */
export type ItopiaAuthEvent =
  | { type: "jwt-minted"; organizationId: number }
  | { type: "login-started"; username: string }
  | { type: "logged-in"; username: string }
  | {
    type: "token-lifetime";
    /** How `Cielo_Expiration_Token` was read. */
    reading: ItopiaExpiryReading;
    /** The seconds the token will be used for. */
    seconds: number;
  }
  | { type: "token-reused" };

/**
 * The bearer token source for itopia calls: the API key when present (a JWT
 * minted locally), else the login method. A token is reused until 60 s before
 * it expires; concurrent callers share one login in flight.
 *
 * @example
 * ```ts
 * import { ItopiaAuth } from "@cloudgate/toolkit";
 *
 * const auth = new ItopiaAuth({ apiUrl: "https://cas-rest.itopia.com/api/v2", apiKey: "k", organizationId: 42 });
 * const first = await auth.token();
 * console.log(first === await auth.token(), auth.method); // true api-key
 * ```
 */
export class ItopiaAuth {
  /** The CAS API's base URL. */
  readonly apiUrl: string;
  #options: ItopiaAuthOptions;
  #current: { token: string; refreshAt: number } | undefined;
  #loading: Promise<string> | undefined;

  /**
   * Creates a provider; nothing is minted or sent until a token is needed.
   *
   * @param options The API URL and either an API key and organization, or a
   * username and password.
   * @throws {ConfigError} When neither way to get a token is configured.
   */
  constructor(options: ItopiaAuthOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.#options = options;
    if (options.apiKey === undefined) {
      if (options.username === undefined || options.password === undefined) {
        throw new ConfigError(
          "Cannot authenticate to itopia: set ITOPIA_API_KEY and ITOPIA_ORGANIZATION_ID, or ITOPIA_USERNAME and ITOPIA_PASSWORD",
        );
      }
    } else if (options.organizationId === undefined) {
      throw new ConfigError(
        "ITOPIA_ORGANIZATION_ID is not set (an API key needs the organization's id)",
      );
    }
  }

  /**
   * Creates a provider from the itopia settings (as {@linkcode itopiaConfig}
   * reads them from the environment).
   *
   * @param config The settings.
   * @param options Lifetime, callbacks, timeout and signal.
   * @returns The provider.
   * @throws {ConfigError} When neither way to get a token is configured.
   *
   * @example
   * ```ts
   * import { ItopiaAuth, itopiaConfig } from "@cloudgate/toolkit";
   *
   * const auth = ItopiaAuth.fromConfig(itopiaConfig({ ITOPIA_API_KEY: "k", ITOPIA_ORGANIZATION_ID: "42" }));
   * console.log(auth.method); // api-key
   * ```
   */
  static fromConfig(
    config: ItopiaConfig,
    options: Omit<ItopiaAuthOptions, keyof ItopiaConfig> = {},
  ): ItopiaAuth {
    return new ItopiaAuth({ ...options, ...config });
  }

  /** `api-key` when tokens are minted locally, else `login`. */
  get method(): "api-key" | "login" {
    return this.#options.apiKey === undefined ? "login" : "api-key";
  }

  /** The timeout, signal and retry backoff every call through it uses. */
  get httpOptions(): HttpOptions {
    return httpOptionsOf(this.#options);
  }

  /** Values that must never appear in an error message. */
  get secrets(): (string | undefined)[] {
    return [
      this.#options.apiKey,
      this.#options.password,
      this.#current?.token,
    ];
  }

  /**
   * Returns a bearer token, minting or logging in when the current one is
   * missing or expires within 60 s (or within half of its lifetime, for a
   * token that lives less than two minutes).
   *
   * @returns The JWT.
   */
  token(): Promise<string> {
    const current = this.#current;
    if (current && current.refreshAt > Date.now()) {
      this.#options.onEvent?.({ type: "token-reused" });
      return Promise.resolve(current.token);
    }
    this.#loading ??= this.#acquire().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /**
   * Forgets a token the API rejected, so the next call gets a fresh one.
   *
   * @param token The rejected token.
   */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  async #acquire(): Promise<string> {
    const o = this.#options;
    let fresh: ItopiaToken;
    if (o.apiKey !== undefined && o.organizationId !== undefined) {
      fresh = await mintJwt({
        apiKey: o.apiKey,
        organizationId: o.organizationId,
        ...(o.deploymentId === undefined
          ? {}
          : { deploymentId: o.deploymentId }),
        ...(o.ttlSeconds === undefined ? {} : { ttlSeconds: o.ttlSeconds }),
      });
      o.onEvent?.({ type: "jwt-minted", organizationId: o.organizationId });
    } else {
      const username = o.username ?? "";
      o.onEvent?.({ type: "login-started", username });
      fresh = await loginItopia({
        apiUrl: this.apiUrl,
        username,
        password: o.password ?? "",
      }, this.httpOptions);
      o.onEvent?.({ type: "logged-in", username });
    }
    const now = Date.now();
    const lifetime = Date.parse(fresh.expiresAt) - now;
    const refreshAt = now + lifetime - refreshMarginMs(lifetime);
    if (fresh.expiryReading !== undefined) {
      o.onEvent?.({
        type: "token-lifetime",
        reading: fresh.expiryReading,
        seconds: Math.round((refreshAt - now) / 1000),
      });
    }
    this.#current = { token: fresh.token, refreshAt };
    return fresh.token;
  }
}
