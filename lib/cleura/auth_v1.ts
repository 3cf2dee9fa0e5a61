/**
 * Cleura auth v1, as the seed documents it: `POST /auth/v1/tokens {auth}`,
 * `request2facode {request2fa}`, `verify2fa {verify2fa}` (each answering 200
 * with a `result`), `tokens/validate` and `DELETE /auth/v1/tokens`.
 *
 * @module
 */

import { httpRequest } from "../http.ts";
import { parseBody } from "../parse.ts";
import { z } from "zod";
import {
  type AuthGeneration,
  checkResult,
  loginAnswer,
} from "./auth_generation.ts";

const tokenAnswer = z.object({
  result: z.literal("login_ok"),
  token: z.string().min(1),
});

/** The v1 requests. */
export const AUTH_V1: AuthGeneration = {
  name: "v1",
  async postTokens(credentials, twofa, options) {
    const step = `log in "${credentials.login}"`;
    const auth: Record<string, string> = {
      login: credentials.login,
      password: credentials.password,
    };
    if (twofa) auth.twofa_method = twofa;
    const { status, body, endpoint } = await httpRequest({
      baseUrl: credentials.apiUrl,
      path: "auth/v1/tokens",
      method: "POST",
      body: { auth },
      step,
      secrets: [credentials.password],
    }, options);
    checkResult(body, step, status);
    return parseBody(loginAnswer, body, { step, endpoint });
  },
  async requestSms(challenge, options) {
    await httpRequest({
      baseUrl: challenge.apiUrl,
      path: "auth/v1/tokens/request2facode",
      method: "POST",
      body: {
        request2fa: {
          login: challenge.login,
          verification: challenge.verification,
        },
      },
      step: `send the SMS code for "${challenge.login}"`,
      secrets: [challenge.verification],
    }, options);
  },
  async verify(challenge, code, options) {
    const step = `verify the SMS code for "${challenge.login}"`;
    const { status, body, endpoint } = await httpRequest({
      baseUrl: challenge.apiUrl,
      path: "auth/v1/tokens/verify2fa",
      method: "POST",
      body: {
        verify2fa: {
          login: challenge.login,
          verification: challenge.verification,
          code,
        },
      },
      step,
      secrets: [challenge.verification, String(code).padStart(6, "0")],
    }, options);
    checkResult(body, step, status);
    return parseBody(tokenAnswer, body, { step, endpoint }).token;
  },
  validatePath: "auth/v1/tokens/validate",
  revokePath: "auth/v1/tokens",
};
