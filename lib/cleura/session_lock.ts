/**
 * The login lock of a {@linkcode CleuraSession}: taken from its token cache
 * before a login, so that processes sharing the cache log in one at a time
 * and each takes the token the first one stored.
 *
 * @module
 */

import type { LoginLock } from "../login_lock.ts";
import type { TokenCache } from "../token_cache.ts";
import { SMS_CODE_TTL_MS } from "./stepwise_login.ts";
import type { SessionEvent } from "./session_options.ts";

/**
 * Takes the login lock of `key` in `cache` (none without a cache, or with one
 * turned off), waiting at most an SMS code's lifetime while another process
 * holds it, and reporting that wait as a `login-waiting` event.
 *
 * @param cache The session's token cache, if any.
 * @param key The API URL and login.
 * @param signal Stops the wait.
 * @param onEvent Receives the `login-waiting` event.
 * @returns The held lock, or `undefined` when there is none to take.
 *
 * @example
 * ```ts ignore
 * using lock = await sessionLock(cache, session, signal, console.log);
 * ```
 */
export function sessionLock(
  cache: TokenCache | undefined,
  key: { apiUrl: string; login: string },
  signal: AbortSignal | undefined,
  onEvent: (event: SessionEvent) => void,
): Promise<LoginLock | undefined> {
  if (!cache?.enabled) return Promise.resolve(undefined);
  return cache.lock(key, {
    what: "the Cleura login",
    maxWaitMs: SMS_CODE_TTL_MS,
    ...(signal ? { signal } : {}),
    onWaiting: (pid) =>
      onEvent({
        type: "login-waiting",
        login: key.login,
        ...(pid === undefined ? {} : { pid }),
      }),
  });
}
