/**
 * The Cleura Cloud REST API alone: password login and SMS two-factor (one
 * {@linkcode loginCleura} with an `askCode` callback, or step by step), a
 * {@linkcode CleuraSession} that shares one login between concurrent calls
 * and logs in again when the API refuses its token, the account's domains,
 * regions and projects, its Kubernetes clusters (Gardener shoots), and the
 * profiles of Cleura's own CLI.
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
  ApiError,
  type ApiErrorDetails,
  AuthError,
  CloudgateError,
} from "../errors.ts";
export { CLEURA_COMPLIANT_URL, CLEURA_PUBLIC_URL } from "../config.ts";
export type { EnvSource } from "../env.ts";
export type { LoginLock, LoginLockOptions } from "../login_lock.ts";
export {
  type CachedToken,
  TokenCache,
  type TokenCacheOptions,
} from "../token_cache.ts";
export {
  type ApiVersion,
  type AskCode,
  type AuthCallOptions,
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
  dropGenerationHint,
  generationHint,
  hintGeneration,
  rememberedGeneration,
} from "./auth_generation.ts";
export {
  cleuraHeaders,
  isTokenRejected,
  revokeToken,
  validateToken,
} from "./token.ts";
export { CleuraSession } from "./session.ts";
export type { CleuraResponse } from "./session_call.ts";
export {
  type CleuraCall,
  type CleuraEndpoint,
  type CleuraReader,
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
} from "./stepwise_login.ts";
export {
  type CleuraApiRegion,
  type CleuraDomain,
  type CleuraProject,
  type CleuraProjectRow,
  type CleuraRegion,
  flattenRegions,
  listAllProjects,
  type ListAllProjectsOptions,
  listDomains,
  listProjects,
  listRegions,
  parseDomains,
} from "./api.ts";
export { type CleuraUser, currentUser, tokenOwner } from "./identity.ts";
export {
  adminKubeconfig,
  type AdminKubeconfigOptions,
  parseDuration,
} from "./kubeconfig.ts";
export {
  checkShootNames,
  type CleuraShoot,
  type CleuraShootSpec,
  type CleuraShootStatus,
  type GardenDomain,
  gardenDomainFor,
  getShoot,
  hibernateShoot,
  listShoots,
  type NamedShootTarget,
  NotFoundError,
  type ShootCondition,
  type ShootLastOperation,
  type ShootNames,
  type ShootOperationSummary,
  type ShootSummary,
  type ShootTarget,
  shootVersion,
  type ShootWorker,
  type ShootWorkerSummary,
  summarizeShoot,
  wakeShoot,
} from "./gardener.ts";
export {
  cleuraConfigPath,
  type CleuraProfile,
  type CleuraProfileFile,
  readCleuraProfiles,
} from "./profile.ts";
export {
  cleuraTarget,
  describeSettings,
  loadCleuraProfile,
  type LoadCleuraProfileOptions,
  resolveCleuraSettings,
  selectProfile,
} from "./resolve.ts";
export {
  type ChosenProfile,
  type CleuraConfig,
  cleuraConfig,
  type CleuraSettings,
  type CleuraSettingsInput,
  ownsProfileToken,
  pickCleuraSettings,
  type SettingSource,
  type TargetFlags,
  type TargetNames,
} from "./settings.ts";
export {
  checkProfileToken,
  type ProfileTokenOwner,
  storeProfileToken,
  type StoreProfileTokenOptions,
} from "./profile_store.ts";
