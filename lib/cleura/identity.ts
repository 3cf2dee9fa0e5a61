/**
 * Who a Cleura token belongs to: `GET /identity/v2/current-user` (v2 only;
 * v1 has no such call). Only the account's id, name and whether it is an
 * admin are kept: the answer also holds contact details, which stay out.
 *
 * @module
 */

import { z } from "zod";
import { CloudgateError, ConfigError } from "../errors.ts";
import { parseBody } from "../parse.ts";
import type { CleuraSession } from "./session.ts";
import type { SessionCallOptions } from "./session_options.ts";

/** The account a token belongs to. */
export interface CleuraUser {
  /** The account's id. */
  id: string;
  /** The login. */
  name: string;
  /** Whether it is the account's admin (`null` when the API does not say). */
  admin: boolean | null;
}

/**
 * The shape of {@linkcode CleuraUser}, for output schemas.
 *
 * @example
 * ```ts
 * import { cleuraUserSchema } from "./identity.ts";
 *
 * console.log(cleuraUserSchema.parse({ id: "1000", name: "alice", admin: true }).name); // alice
 * ```
 */
export const cleuraUserSchema: z.ZodType<CleuraUser> = z.object({
  id: z.string(),
  name: z.string(),
  admin: z.boolean().nullable(),
});

const wireUser = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string(),
  admin: z.boolean().nullable().optional().catch(null),
}).transform(({ id, name, admin }) => ({ id, name, admin: admin ?? null }));

/**
 * Reads who the session's token belongs to (v2:
 * `GET /identity/v2/current-user`).
 *
 * @param session The account's session.
 * @param options Timeout, signal, `login: false` to never log in.
 * @returns The account's id, name and admin flag.
 * @throws {ConfigError} When the API speaks v1, which has no such call.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, currentUser } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * console.log((await currentUser(session)).name); // alice
 * ```
 */
export async function currentUser(
  session: CleuraSession,
  options: SessionCallOptions = {},
): Promise<CleuraUser> {
  const step = "read who the token belongs to";
  const { body, endpoint } = await session.request({
    step,
    v2: { path: "identity/v2/current-user" },
  }, options);
  return parseBody(wireUser, body, { step, endpoint });
}

/**
 * Who the session's token belongs to, for a status report: the account on
 * v2; `null` on v1 (which cannot say), and `null` with a warning through the
 * session's `onEvent` when the API will not say. Never logs in.
 *
 * @param session The account's session, with a token.
 * @param options Timeout and signal.
 * @returns The account, or `null`.
 *
 * @example
 * ```ts ignore
 * import { CleuraSession, tokenOwner } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * console.log(await tokenOwner(session)); // { id: "1000", name: "alice", admin: true }
 * ```
 */
export async function tokenOwner(
  session: CleuraSession,
  options: SessionCallOptions = {},
): Promise<CleuraUser | null> {
  try {
    return await currentUser(session, { ...options, login: false });
  } catch (error) {
    if (!(error instanceof CloudgateError)) throw error;
    // v1 has no such call: nothing to warn about.
    if (!(error instanceof ConfigError)) session.warn(error.message);
    return null;
  }
}
