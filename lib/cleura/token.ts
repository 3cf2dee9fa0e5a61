/**
 * A Cleura token's life: the headers every authenticated call carries, how
 * to tell a refused token from another refusal, validation and revocation.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import { type HttpOptions, httpRequest } from "../http.ts";
import { type CleuraToken, GENERATIONS } from "./auth.ts";
import { type AuthCallOptions, onGeneration } from "./auth_generation.ts";

/**
 * The headers every authenticated Cleura call carries.
 *
 * @param token The login and token.
 * @returns `X-AUTH-LOGIN` and `X-AUTH-TOKEN`.
 *
 * @example
 * ```ts
 * import { cleuraHeaders } from "@cloudgate/toolkit";
 *
 * const headers = cleuraHeaders({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * console.log(Object.keys(headers)); // ["X-AUTH-LOGIN", "X-AUTH-TOKEN"]
 * ```
 */
export function cleuraHeaders(token: CleuraToken): Record<string, string> {
  return { "X-AUTH-LOGIN": token.login, "X-AUTH-TOKEN": token.token };
}

/**
 * Tells whether an error is the API refusing the token itself: a 401, or a
 * 403 whose message speaks of the token (the API answers an expired or
 * revoked token with `403 {"error":{"code":403,"message":"Invalid token"}}`).
 * Any other 403 (no access to a method or project, an IP restriction) is a
 * permission error, not an expired token.
 *
 * @param error Any error.
 * @returns `true` when a fresh token could help.
 *
 * @example
 * ```ts
 * import { ApiError, isTokenRejected } from "@cloudgate/toolkit";
 *
 * const expired = new ApiError({ status: 403, step: "list domains", serverMessage: "Invalid token" });
 * const denied = new ApiError({ status: 403, step: "list domains", serverMessage: "No access" });
 * console.log(isTokenRejected(expired), isTokenRejected(denied)); // true false
 * ```
 */
export function isTokenRejected(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 401) return true;
  return error.status === 403 && /token/i.test(error.serverMessage ?? "");
}

/**
 * Asks the API whether a token is still valid.
 *
 * @param token The login and token.
 * @param options `apiVersion` (on `auto`, v2, or v1 when the API has no v2
 * route), timeout and signal.
 * @returns `true` on 204, `false` when the API refuses the token (401, or 403
 * for an invalid token).
 * @throws {ApiError} On any other status.
 *
 * @example
 * ```ts ignore
 * import { validateToken } from "@cloudgate/toolkit";
 *
 * const ok = await validateToken({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * ```
 */
export async function validateToken(
  token: CleuraToken,
  options: AuthCallOptions = {},
): Promise<boolean> {
  try {
    await tokenCall(token, "POST", "validate", options);
    return true;
  } catch (error) {
    if (isTokenRejected(error)) return false;
    throw error;
  }
}

/**
 * Revokes a token, so it can no longer be used.
 *
 * @param token The login and token.
 * @param options `apiVersion`, timeout and signal.
 * @returns Nothing; the API answers 204.
 * @throws {ApiError} When the API refuses.
 *
 * @example
 * ```ts ignore
 * import { revokeToken } from "@cloudgate/toolkit";
 *
 * await revokeToken({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * ```
 */
export async function revokeToken(
  token: CleuraToken,
  options: AuthCallOptions = {},
): Promise<void> {
  await tokenCall(token, "DELETE", "revoke", options);
}

/** A call about the token itself, made with it, on the generation's path. */
async function tokenCall(
  token: CleuraToken,
  method: "POST" | "DELETE",
  verb: "validate" | "revoke",
  options: AuthCallOptions,
): Promise<void> {
  const http: HttpOptions = options;
  await onGeneration(
    token.apiUrl,
    options.apiVersion,
    GENERATIONS,
    async (generation) => {
      await httpRequest({
        baseUrl: token.apiUrl,
        path: verb === "validate"
          ? generation.validatePath
          : generation.revokePath,
        method,
        headers: cleuraHeaders(token),
        step: `${verb} the token of "${token.login}"`,
        secrets: [token.token],
      }, http);
    },
  );
}
