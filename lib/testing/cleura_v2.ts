/**
 * The emulator's Cleura auth v2 routes, with the same accounts, SMS outbox
 * and tokens as v1: `POST /auth/v2/tokens` (201), `request-sms-code` (204),
 * `tokens-by-sms-code` (200 `{token}`), and `GET /identity/v2/current-user`.
 * Validation and revocation share v1's routes (`cleura.ts`). Bodies and
 * statuses are those of cleura-client-go's `api/client.gen.go`.
 *
 * @module
 */

import {
  checkSmsCode,
  cleuraToken,
  passwordLogin,
  sendSms,
  unauthorized,
} from "./cleura.ts";
import {
  type EmulatorState,
  errorEnvelope,
  json,
  readJson,
  record,
} from "./state.ts";

/** `POST /auth/v2/tokens {login, password, two_factor_method?}`: 201. */
export async function postTokensV2(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  state.counters.cleuraPasswordPosts++;
  const body = record(await readJson(request));
  if (
    !body || typeof body.login !== "string" ||
    typeof body.password !== "string"
  ) {
    return errorEnvelope(state, 400, "login and password are required");
  }
  return passwordLogin(state, {
    login: body.login,
    password: body.password,
    method: body.two_factor_method,
  }, "v2");
}

/** `POST /auth/v2/request-sms-code {login, verification}`: 204. */
export async function requestSmsCodeV2(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  return sendSms(state, record(await readJson(request)));
}

/** `POST /auth/v2/tokens-by-sms-code {login, verification, code}`: 200 `{token}`. */
export async function tokensBySmsCode(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  const token = checkSmsCode(state, record(await readJson(request)));
  if (token instanceof Response) return token;
  return json(200, { token });
}

/** `GET /identity/v2/current-user`: the token's account (`Common_UserLogin`). */
export function currentUser(state: EmulatorState, request: Request): Response {
  const token = cleuraToken(state, request);
  if (!token) return unauthorized(state);
  const login = state.tokens.get(token)!;
  const index = state.users.findIndex((u) => u.login === login);
  const user = state.users[index];
  return json(200, {
    id: 1000 + index,
    name: login,
    admin: index === 0,
    auth_provider_id: 1,
    currency: { id: 1, code: "SEK", name: "Swedish krona" },
    ip_restrictions: [],
    privileges: { openstack: { type: "full" } },
    ...(user?.secondFactors.includes("sms")
      ? {
        two_factor_login: {
          sms: {
            created: "2026-01-01T00:00:00Z",
            medium: "sms",
            receiver: "+4670000000",
            status: "active",
          },
        },
      }
      : {}),
  });
}
