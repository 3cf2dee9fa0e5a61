/**
 * cloudgate: authenticate to the Cleura Cloud REST API and the itopia CAS API
 * and use them safely, from scripts, the command line or an AI assistant.
 *
 * - Cleura: password login, SMS two-factor (as three explicit steps or one
 *   {@linkcode loginCleura} with an `askCode` callback), a
 *   {@linkcode CleuraSession} that shares one login between concurrent calls
 *   and logs in again on a 401, domains, regions and projects.
 * - itopia: {@linkcode mintJwt} (HS256, signed with the API key), the login
 *   method, an {@linkcode ItopiaAuth} bearer provider and
 *   {@linkcode listCloudInstances}.
 *
 * Every failure is a {@linkcode CloudgateError} whose message names the step
 * and never holds a password, API key, token or SMS code.
 *
 * @example List Cleura regions and itopia instances
 * ```ts ignore
 * import {
 *   cleuraConfig,
 *   CleuraSession,
 *   ItopiaAuth,
 *   itopiaConfig,
 *   listCloudInstances,
 *   listRegions,
 * } from "@cloudgate/toolkit";
 *
 * const session = CleuraSession.fromConfig(cleuraConfig(), {
 *   askCode: ({ login }) => Promise.resolve(prompt(`SMS code for ${login}:`) ?? undefined),
 * });
 * console.table(await listRegions(session));
 *
 * const auth = ItopiaAuth.fromConfig(itopiaConfig());
 * console.log(await listCloudInstances(auth, { deploymentId: 7 }));
 * ```
 *
 * @module
 */

export * from "./lib/errors.ts";
export {
  DEFAULT_TIMEOUT_MS,
  type HttpOptions,
  httpOptionsOf,
  type HttpRequest,
  httpRequest,
  type HttpResponse,
  joinUrl,
  MAX_ATTEMPTS,
  MAX_RESPONSE_BYTES,
  MAX_RETRY_AFTER_MS,
} from "./lib/http.ts";
export { isRecord } from "./lib/is_record.ts";
export * from "./lib/config.ts";
export * from "./lib/token_cache.ts";
export { cleanText, type CleanTextOptions } from "./lib/text.ts";
export * from "./lib/cleura/auth.ts";
export * from "./lib/cleura/session.ts";
export * from "./lib/cleura/session_options.ts";
export * from "./lib/cleura/challenge.ts";
export * from "./lib/cleura/token.ts";
export * from "./lib/cleura/api.ts";
export * from "./lib/itopia/jwt.ts";
export * from "./lib/itopia/auth.ts";
export * from "./lib/itopia/api.ts";
