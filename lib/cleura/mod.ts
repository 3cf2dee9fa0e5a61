/**
 * The Cleura Cloud REST API alone: password login and SMS two-factor (one
 * {@linkcode loginCleura} with an `askCode` callback, or step by step), a
 * {@linkcode CleuraSession} that shares one login between concurrent calls
 * and logs in again when the API refuses its token, and the account's
 * domains, regions and projects.
 *
 * @example
 * ```ts ignore
 * import { cleuraConfig, CleuraSession, listRegions } from "@cloudgate/toolkit/cleura";
 *
 * const session = CleuraSession.fromConfig(cleuraConfig(), {
 *   askCode: ({ login }) => Promise.resolve(prompt(`SMS code for ${login}:`) ?? undefined),
 * });
 * console.table(await listRegions(session));
 * ```
 *
 * @module
 */

export type { HttpOptions, HttpResponse } from "../http.ts";
export {
  CLEURA_COMPLIANT_URL,
  CLEURA_PUBLIC_URL,
  type CleuraConfig,
  cleuraConfig,
} from "../config.ts";
export {
  type AskCode,
  type CleuraCredentials,
  type CleuraToken,
  type CodeRequest,
  loginCleura,
  type LoginEvent,
  type LoginOptions,
  type LoginStart,
  parseSmsCode,
  requestSmsCode,
  type SmsChallenge,
  type SmsCodeAnswer,
  startLogin,
  type StartLoginOptions,
  verifySmsCode,
} from "./auth.ts";
export {
  cleuraHeaders,
  isTokenRejected,
  revokeToken,
  validateToken,
} from "./token.ts";
export { CleuraSession } from "./session.ts";
export {
  type CleuraCall,
  type CleuraSessionOptions,
  LoginRequiredError,
  type SessionCallOptions,
  type SessionEvent,
} from "./session_options.ts";
export {
  type LoginStep,
  SMS_CODE_TTL_MS,
  SMS_RESEND_MS,
  StepwiseLogin,
  type StepwiseLoginOptions,
} from "./challenge.ts";
export {
  type CleuraApiRegion,
  type CleuraDomain,
  type CleuraProject,
  type CleuraRegion,
  flattenRegions,
  listDomains,
  listProjects,
  listRegions,
  parseDomains,
} from "./api.ts";
