/**
 * Cleura authentication: the password login, the three explicit steps of SMS
 * two-factor (start, send the SMS, verify the code), one high-level
 * {@linkcode loginCleura} that drives them with an `askCode` callback, and
 * token validation and revocation.
 *
 * @module
 */

import {
  ApiError,
  AuthError,
  ResponseFormatError,
  SmsCodeRequiredError,
} from "../errors.ts";
import {
  type AuthCallOptions,
  type CleuraCredentials,
  onGeneration,
  type SmsChallenge,
} from "./auth_generation.ts";
import { AUTH_V1 } from "./auth_v1.ts";
import { AUTH_V2 } from "./auth_v2.ts";

export type {
  ApiVersion,
  AuthCallOptions,
  CleuraCredentials,
  SmsChallenge,
} from "./auth_generation.ts";

/** Both generations, for {@linkcode onGeneration}. */
export const GENERATIONS = { v1: AUTH_V1, v2: AUTH_V2 } as const;

/** A login and token, as every authenticated Cleura call needs. */
export interface CleuraToken {
  /** The API's base URL. */
  apiUrl: string;
  /** The Cleura login (username). */
  login: string;
  /** The session token. */
  token: string;
}

/** An SMS challenge with the code the user typed. */
export interface SmsCodeAnswer extends SmsChallenge {
  /** The code from the SMS, as a number or as typed. */
  code: number | string;
}

/** What the first step of a login gave: a token, or an SMS challenge. */
export type LoginStart =
  | { kind: "token"; token: string }
  | { kind: "sms"; verification: string };

/** Options of {@linkcode startLogin}. */
export interface StartLoginOptions extends AuthCallOptions {
  /** `sms` asks for SMS two-factor up front, as `CLEURA_API_TWOFA=sms` does. */
  twofa?: "sms";
}

/** What {@linkcode loginCleura} tells `askCode` when it needs a code. */
export interface CodeRequest {
  /** The login the code is for. */
  login: string;
  /** 1 for the first try; 2 and up after a wrong code. */
  attempt: number;
  /** The reason the previous code failed, on later attempts. */
  previousError?: string;
}

/**
 * Asks the user for the SMS code. Returns the code, or `undefined` when the
 * user gives none; may throw an {@linkcode AuthError} when the user declines.
 */
export type AskCode = (
  request: CodeRequest,
) => Promise<number | string | undefined>;

/** Options of {@linkcode loginCleura}. */
export interface LoginOptions extends StartLoginOptions {
  /** Asks for the SMS code; without it, an account with 2FA cannot log in. */
  askCode?: AskCode;
  /** How many codes the user may try for one SMS (default 2). */
  codeAttempts?: number;
  /** Called with each step, for progress messages. Never given a secret. */
  onEvent?: (event: LoginEvent) => void;
}

/** A step of a login, for progress messages. */
export type LoginEvent =
  | { type: "login-started"; login: string }
  | { type: "sms-sent"; login: string }
  | { type: "logged-in"; login: string };

/**
 * The first step of a login: posts the login and password. Answers with a
 * token when the account has no two-factor, or with an SMS challenge. When the
 * API offers a choice of second factors, asks again once with SMS selected.
 * Speaks the generation `apiVersion` gives (on `auto`, v2, or v1 when the API
 * has no v2 login; the first password post is the probe, never repeated).
 *
 * @param credentials The API URL, login and password.
 * @param options `twofa: "sms"` to ask for SMS up front; `apiVersion`; timeout and signal.
 * @returns A token, or the verification handle of an SMS challenge.
 * @throws {AuthError} When the account's only second factor is WebAuthn.
 * @throws {ApiError} On a wrong password or another refusal.
 * @throws {ConfigError} When the pinned `apiVersion` has no login on this API.
 *
 * @example
 * ```ts ignore
 * import { startLogin } from "@cloudgate/toolkit";
 *
 * const start = await startLogin(
 *   { apiUrl: "https://rest.cleura.cloud", login: "alice", password: Deno.env.get("CLEURA_API_PASSWORD")! },
 *   { twofa: "sms" },
 * );
 * if (start.kind === "sms") console.log("an SMS challenge was started");
 * ```
 */
export async function startLogin(
  credentials: CleuraCredentials,
  options: StartLoginOptions = {},
): Promise<LoginStart> {
  const { generation, first } = await onGeneration(
    credentials.apiUrl,
    options.apiVersion,
    GENERATIONS,
    async (generation) => ({
      generation,
      first: await generation.postTokens(credentials, options.twofa, options),
    }),
  );
  let answer = first;
  if (answer.result === "twofactor_options") {
    if (!answer.options.includes("sms") || options.twofa === "sms") {
      throw new AuthError(
        `Cannot log in "${credentials.login}": the account has no SMS second factor (offered: ${
          answer.options.join(", ") || "none"
        }); accounts with only WebAuthn cannot use the API with a password, so create an API token in the Cleura Control Panel and set CLEURA_API_TOKEN`,
      );
    }
    answer = await generation.postTokens(credentials, "sms", options);
  }
  switch (answer.result) {
    case "login_ok":
      return { kind: "token", token: answer.token };
    case "twofactor_required":
      if (answer.type !== undefined && answer.type !== "sms") {
        throw new AuthError(
          `Cannot log in "${credentials.login}": the API asked for a "${answer.type}" second factor, which cloudgate cannot answer; create an API token in the Cleura Control Panel and set CLEURA_API_TOKEN`,
        );
      }
      return { kind: "sms", verification: answer.verification };
    case "twofactor_options":
      throw new ResponseFormatError(
        `Cannot log in "${credentials.login}": the API offered second factors again after SMS was selected`,
      );
  }
}

/**
 * The second step of SMS two-factor: asks the API to send the SMS.
 *
 * @param challenge The API URL, login and verification handle.
 * @param options `apiVersion`, timeout and signal.
 * @returns Nothing; the API answers 204.
 * @throws {ApiError} When the API refuses (an expired verification, say).
 *
 * @example
 * ```ts ignore
 * import { requestSmsCode } from "@cloudgate/toolkit";
 *
 * await requestSmsCode({ apiUrl: "https://rest.cleura.cloud", login: "bob", verification: "ahb4en3cho" });
 * ```
 */
export async function requestSmsCode(
  challenge: SmsChallenge,
  options: AuthCallOptions = {},
): Promise<void> {
  await onGeneration(
    challenge.apiUrl,
    options.apiVersion,
    GENERATIONS,
    (generation) => generation.requestSms(challenge, options),
  );
}

/**
 * Checks and converts an SMS code typed by a person: up to six digits, sent
 * to the API as an integer.
 *
 * @param code The code as typed, or as a number.
 * @returns The code as an integer.
 * @throws {AuthError} When it is not a whole number from 0 to 999999.
 *
 * @example
 * ```ts
 * import { parseSmsCode } from "@cloudgate/toolkit";
 *
 * console.log(parseSmsCode(" 123456\n")); // 123456
 * ```
 */
export function parseSmsCode(code: number | string): number {
  const value = typeof code === "string"
    ? (/^\s*\d{1,6}\s*$/.test(code) ? Number(code) : NaN)
    : code;
  if (!Number.isInteger(value) || value < 0 || value > 999_999) {
    throw new AuthError(
      "The SMS code must be a whole number of up to 6 digits",
    );
  }
  return value;
}

/**
 * The third step of SMS two-factor: sends the code (as a JSON integer) and
 * returns the session token.
 *
 * @param challenge The API URL, login, verification handle and the code.
 * @param options `apiVersion`, timeout and signal.
 * @returns The session token.
 * @throws {ApiError} On a wrong code or an expired verification.
 *
 * @example
 * ```ts ignore
 * import { verifySmsCode } from "@cloudgate/toolkit";
 *
 * const token = await verifySmsCode({
 *   apiUrl: "https://rest.cleura.cloud",
 *   login: "bob",
 *   verification: "ahb4en3cho",
 *   code: 123456,
 * });
 * ```
 */
export async function verifySmsCode(
  challenge: SmsCodeAnswer,
  options: AuthCallOptions = {},
): Promise<string> {
  const code = parseSmsCode(challenge.code);
  return await onGeneration(
    challenge.apiUrl,
    options.apiVersion,
    GENERATIONS,
    (generation) => generation.verify(challenge, code, options),
  );
}

/**
 * Logs in to Cleura from start to end: the password, then, when the account
 * has SMS two-factor, the SMS and the code from `askCode`. A wrong code is
 * asked for again (twice in all by default) without sending a new SMS.
 *
 * @param credentials The API URL, login and password.
 * @param options `askCode`, `twofa`, progress events, timeout and signal.
 * @returns The login and its session token.
 * @throws {SmsCodeRequiredError} When a code is needed and there is no `askCode`.
 * @throws {AuthError} When a code is needed and none is given.
 * @throws {ApiError} On a wrong password or a wrong code on the last try.
 *
 * @example
 * ```ts ignore
 * import { loginCleura } from "@cloudgate/toolkit";
 *
 * const session = await loginCleura(
 *   { apiUrl: "https://rest.cleura.cloud", login: "bob", password: Deno.env.get("CLEURA_API_PASSWORD")! },
 *   { askCode: () => Promise.resolve(prompt("SMS code:") ?? undefined) },
 * );
 * ```
 */
export async function loginCleura(
  credentials: CleuraCredentials,
  options: LoginOptions = {},
): Promise<CleuraToken> {
  const { login, apiUrl } = credentials;
  options.onEvent?.({ type: "login-started", login });
  const start = await startLogin(credentials, options);
  if (start.kind === "token") {
    options.onEvent?.({ type: "logged-in", login });
    return { apiUrl, login, token: start.token };
  }
  const askCode = options.askCode;
  if (!askCode) {
    throw new SmsCodeRequiredError(
      `Cannot log in "${login}": the account needs an SMS code and there is no way to ask for it here; set CLEURA_API_TOKEN instead`,
    );
  }
  const challenge = { apiUrl, login, verification: start.verification };
  await requestSmsCode(challenge, options);
  options.onEvent?.({ type: "sms-sent", login });
  const attempts = options.codeAttempts ?? 2;
  let previousError: string | undefined;
  for (let attempt = 1;; attempt++) {
    const code = await askCode({
      login,
      attempt,
      ...(previousError === undefined ? {} : { previousError }),
    });
    if (code === undefined || code === "") {
      throw new AuthError(`Cannot log in "${login}": no SMS code was given`);
    }
    try {
      const token = await verifySmsCode({ ...challenge, code }, options);
      options.onEvent?.({ type: "logged-in", login });
      return { apiUrl, login, token };
    } catch (error) {
      const wrongCode = error instanceof ApiError &&
        (error.status === 400 || error.status === 401);
      const badInput = error instanceof AuthError;
      if (!(wrongCode || badInput) || attempt >= attempts) throw error;
      previousError = (error as Error).message;
    }
  }
}
