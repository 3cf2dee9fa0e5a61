/**
 * A Cleura login in separate steps, for callers that cannot wait inside one
 * call for the SMS code.
 *
 * @module
 */

import { AuthError } from "../errors.ts";
import type { HttpOptions } from "../http.ts";
import {
  type AuthCallOptions,
  type LoginEvent,
  requestSmsCode,
  startLogin,
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
 * user must give (see {@linkcode StepwiseLogin.begin}).
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

/** An open challenge. */
interface PendingChallenge {
  verification: string;
  createdAt: number;
  smsSentAt?: number;
  sending?: Promise<number>;
  /** The login lock, held until the challenge ends. */
  lock?: Disposable | undefined;
  /** Ends the challenge (and lets the lock go) once its code has expired. */
  timer?: ReturnType<typeof setTimeout>;
}

/** Options of a {@linkcode StepwiseLogin}. */
export interface StepwiseLoginOptions {
  /** The API's base URL. */
  apiUrl: string;
  /** The Cleura login. */
  login: string;
  /** The password; without it, `begin` fails. */
  password?: string;
  /** `sms` asks for SMS two-factor up front. */
  twofa?: "sms";
  /** The timeout, signal and auth API generation every call starts from. */
  http?: () => AuthCallOptions;
  /** Called with each step, for progress messages. */
  onEvent?: (event: LoginEvent) => void;
  /** Keeps the token a login gave. */
  onToken?: (token: string) => Promise<void>;
  /**
   * Takes the login lock before the password is posted (waiting while
   * another process logs in); held until the challenge ends.
   */
  lock?: (signal?: AbortSignal) => Promise<Disposable | undefined>;
  /** Once the lock is held: whether another process stored a token meanwhile. */
  recheck?: () => Promise<boolean>;
}

/**
 * A Cleura login in separate steps (post the password, send the SMS, check
 * the code) for a caller that cannot wait inside one call for the user, such
 * as an MCP server that asks in a multi round-trip request. It keeps at most
 * one challenge open, reused while its code is valid (10 minutes), sends one
 * SMS per challenge, and never two SMS within 60 seconds, however many
 * callers ask. A {@linkcode CleuraSession} has one as `steps`.
 *
 * @example
 * ```ts ignore
 * const step = await session.steps.begin();
 * if (step.kind === "sms") {
 *   await session.steps.sendSms(step.verification);
 *   await session.steps.finish(step.verification, prompt("SMS code:") ?? "");
 * }
 * ```
 */
export class StepwiseLogin {
  #o: StepwiseLoginOptions;
  #pending: PendingChallenge | undefined;
  #starting: Promise<LoginStep> | undefined;
  #lastSmsAt = -Infinity;

  /**
   * Creates the stepwise login of one account.
   *
   * @param options The account, password and callbacks.
   */
  constructor(options: StepwiseLoginOptions) {
    this.#o = options;
  }

  #http(options: HttpOptions): AuthCallOptions {
    return { ...this.#o.http?.(), ...options };
  }

  #live(): PendingChallenge | undefined {
    const pending = this.#pending;
    if (!pending) return undefined;
    const born = pending.smsSentAt ?? pending.createdAt;
    if (Date.now() - born < SMS_CODE_TTL_MS) return pending;
    this.#close(pending);
    return undefined;
  }

  /** Opens a challenge, to end when its code expires. */
  #open(pending: PendingChallenge): void {
    this.#pending = pending;
    this.#expireAt(pending, pending.createdAt);
  }

  #expireAt(pending: PendingChallenge, born: number): void {
    clearTimeout(pending.timer);
    if (!pending.lock) return;
    const timer = setTimeout(
      () => this.#close(pending),
      born + SMS_CODE_TTL_MS - Date.now(),
    );
    Deno.unrefTimer(timer);
    pending.timer = timer;
  }

  /** Ends a challenge: its lock, if any, is let go. */
  #close(pending: PendingChallenge): void {
    clearTimeout(pending.timer);
    pending.lock?.[Symbol.dispose]();
    delete pending.lock;
    if (this.#pending === pending) this.#pending = undefined;
  }

  /**
   * The first step: posts the password (once, however many callers ask at
   * the same time) and answers with a token (kept through `onToken`) or an
   * SMS challenge. An open challenge is answered without contacting the API.
   *
   * @param options Timeout and signal.
   * @returns `{ kind: "token" }`, or the challenge.
   * @throws {AuthError} When no password is set.
   */
  begin(options: HttpOptions = {}): Promise<LoginStep> {
    const pending = this.#live();
    if (pending) {
      return Promise.resolve({
        kind: "sms",
        verification: pending.verification,
        ...(pending.smsSentAt === undefined
          ? {}
          : { smsSentAt: pending.smsSentAt }),
      });
    }
    this.#starting ??= this.#post(options).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #post(options: HttpOptions): Promise<LoginStep> {
    const { apiUrl, login, password } = this.#o;
    if (password === undefined) {
      throw new AuthError(
        `Cannot log in "${login}": no password is set (CLEURA_API_PASSWORD) and no valid token is available`,
      );
    }
    const http = this.#http(options);
    let lock = await this.#o.lock?.(http.signal);
    try {
      if (lock && await this.#o.recheck?.()) return { kind: "token" };
      this.#o.onEvent?.({ type: "login-started", login });
      const start = await startLogin({ apiUrl, login, password }, {
        ...http,
        ...(this.#o.twofa ? { twofa: this.#o.twofa } : {}),
      });
      if (start.kind === "token") {
        await this.#keep(start.token);
        return { kind: "token" };
      }
      const { verification } = start;
      this.#open({ verification, createdAt: Date.now(), lock });
      lock = undefined;
      return { kind: "sms", verification };
    } finally {
      lock?.[Symbol.dispose]();
    }
  }

  /**
   * The second step: has the API send the challenge's SMS, once.
   *
   * @param verification The challenge's verification handle.
   * @param options Timeout and signal.
   * @returns When the SMS was sent (ms since the epoch).
   * @throws {AuthError} When the challenge is not the open one, or an SMS
   * went out less than 60 seconds ago.
   */
  sendSms(verification: string, options: HttpOptions = {}): Promise<number> {
    const { apiUrl, login } = this.#o;
    const pending = this.#live();
    if (!pending || pending.verification !== verification) {
      return Promise.reject(
        new AuthError(
          `Cannot send the SMS code for "${login}": the login has expired; start again`,
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
          `Cannot send another SMS code to "${login}" yet: wait ${
            Math.ceil(wait / 1000)
          } s`,
        ),
      );
    }
    pending.sending ??= (async () => {
      await requestSmsCode(
        { apiUrl, login, verification },
        this.#http(options),
      );
      const now = Date.now();
      pending.smsSentAt = now;
      this.#expireAt(pending, now);
      this.#lastSmsAt = now;
      this.#o.onEvent?.({ type: "sms-sent", login });
      return now;
    })().finally(() => {
      delete pending.sending;
    });
    return pending.sending;
  }

  /**
   * The third step: checks the code and keeps the token. A wrong code leaves
   * the challenge open for another try with the same SMS.
   *
   * @param verification The challenge's verification handle.
   * @param code The code, as typed or as a number.
   * @param options Timeout and signal.
   * @returns Nothing; the token went to `onToken`.
   * @throws {ApiError} On a wrong code (400 or 401) or an expired challenge.
   * @throws {AuthError} When the code is not up to six digits.
   */
  async finish(
    verification: string,
    code: number | string,
    options: HttpOptions = {},
  ): Promise<void> {
    const { apiUrl, login } = this.#o;
    const token = await verifySmsCode(
      { apiUrl, login, verification, code },
      this.#http(options),
    );
    try {
      await this.#keep(token);
    } finally {
      this.drop(verification);
    }
  }

  async #keep(token: string): Promise<void> {
    this.#o.onEvent?.({ type: "logged-in", login: this.#o.login });
    await this.#o.onToken?.(token);
  }

  /**
   * Closes a challenge (answered, or no longer answerable), so the next
   * login starts afresh.
   *
   * @param verification The challenge's verification handle.
   */
  drop(verification: string): void {
    const pending = this.#pending;
    if (pending?.verification === verification) this.#close(pending);
  }
}
