/**
 * Cleura auth v2, as Cleura's own CLI speaks it (cleura-cli
 * `internal/cli/login.go`; bodies and statuses from cleura-client-go
 * `api/client.gen.go`): `POST /auth/v2/tokens {login, password,
 * two_factor_method?}` → 201 with a `result`; `POST /auth/v2/request-sms-code
 * {login, verification}` → 204; `POST /auth/v2/tokens-by-sms-code {login,
 * verification, code}` (an integer) → 200 `{token}`; `POST
 * /auth/v2/tokens/validate` and `DELETE /auth/v2/tokens`, without a body.
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

const tokenAnswer = z.object({ token: z.string().min(1) });

/** The v2 requests. */
export const AUTH_V2: AuthGeneration = {
  name: "v2",
  async postTokens(credentials, twofa, options) {
    const step = `log in "${credentials.login}"`;
    const { status, body, endpoint } = await httpRequest({
      baseUrl: credentials.apiUrl,
      path: "auth/v2/tokens",
      method: "POST",
      body: {
        login: credentials.login,
        password: credentials.password,
        ...(twofa ? { two_factor_method: twofa } : {}),
      },
      step,
      secrets: [credentials.password],
    }, options);
    checkResult(body, step, status);
    return parseBody(loginAnswer, body, { step, endpoint });
  },
  async requestSms(challenge, options) {
    await httpRequest({
      baseUrl: challenge.apiUrl,
      path: "auth/v2/request-sms-code",
      method: "POST",
      body: { login: challenge.login, verification: challenge.verification },
      step: `send the SMS code for "${challenge.login}"`,
      secrets: [challenge.verification],
    }, options);
  },
  async verify(challenge, code, options) {
    const step = `verify the SMS code for "${challenge.login}"`;
    const { body, endpoint } = await httpRequest({
      baseUrl: challenge.apiUrl,
      path: "auth/v2/tokens-by-sms-code",
      method: "POST",
      body: {
        login: challenge.login,
        verification: challenge.verification,
        code,
      },
      step,
      secrets: [challenge.verification, String(code).padStart(6, "0")],
    }, options);
    return parseBody(tokenAnswer, body, { step, endpoint }).token;
  },
  validatePath: "auth/v2/tokens/validate",
  revokePath: "auth/v2/tokens",
};
