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

export {
  ApiError,
  type ApiErrorDetails,
  AuthError,
  CloudgateError,
  ConfigError,
  NetworkError,
  ResponseFormatError,
  SmsCodeRequiredError,
  TimeoutError,
} from "./lib/errors.ts";
export {
  DEFAULT_TIMEOUT_MS,
  type HttpOptions,
  type HttpResponse,
  MAX_ATTEMPTS,
  MAX_RESPONSE_BYTES,
  MAX_RETRY_AFTER_MS,
} from "./lib/http.ts";
export { type Config, loadConfig } from "./lib/cleura/settings.ts";
export { ENV_NAMES, type EnvName, type EnvSource, readEnv } from "./lib/env.ts";
export {
  acquireLoginLock,
  LOGIN_LOCK_WAIT_MS,
  type LoginLock,
  type LoginLockOptions,
} from "./lib/login_lock.ts";
export { defaultCacheDir } from "./lib/dirs.ts";
export {
  type CachedToken,
  TokenCache,
  type TokenCacheOptions,
} from "./lib/token_cache.ts";
export { cleanText, type CleanTextOptions } from "./lib/text.ts";
export { VERSION } from "./lib/version.ts";
export {
  adminKubeconfig,
  type AdminKubeconfigOptions,
  type ApiVersion,
  type AskCode,
  type AuthCallOptions,
  checkProfileToken,
  type ChosenProfile,
  CLEURA_COMPLIANT_URL,
  CLEURA_PUBLIC_URL,
  type CleuraApiRegion,
  type CleuraCall,
  type CleuraConfig,
  cleuraConfig,
  cleuraConfigPath,
  type CleuraCredentials,
  type CleuraDomain,
  type CleuraEndpoint,
  cleuraHeaders,
  type CleuraProfile,
  type CleuraProfileFile,
  type CleuraProject,
  type CleuraProjectRow,
  type CleuraReader,
  type CleuraRegion,
  type CleuraResponse,
  CleuraSession,
  type CleuraSessionOptions,
  type CleuraSettings,
  type CleuraSettingsInput,
  type CleuraShoot,
  type CleuraShootSpec,
  type CleuraShootStatus,
  cleuraTarget,
  type CleuraToken,
  type CleuraUser,
  type CodeRequest,
  currentUser,
  describeSettings,
  flattenRegions,
  type GardenDomain,
  gardenDomainFor,
  getShoot,
  hibernateShoot,
  isTokenRejected,
  listAllProjects,
  type ListAllProjectsOptions,
  listDomains,
  listProjects,
  listRegions,
  listShoots,
  loadCleuraProfile,
  type LoadCleuraProfileOptions,
  loginCleura,
  type LoginEvent,
  type LoginOptions,
  LoginRequiredError,
  type LoginStart,
  type LoginStep,
  type NamedShootTarget,
  NotFoundError,
  ownsProfileToken,
  parseDomains,
  parseDuration,
  parseSmsCode,
  pickCleuraSettings,
  type ProfileTokenOwner,
  readCleuraProfiles,
  requestSmsCode,
  resolveCleuraSettings,
  revokeToken,
  selectProfile,
  type SessionCallOptions,
  type SessionEvent,
  type SettingSource,
  type ShootCondition,
  type ShootLastOperation,
  type ShootOperationSummary,
  type ShootSummary,
  type ShootTarget,
  shootVersion,
  type ShootWorker,
  type ShootWorkerSummary,
  SMS_CODE_TTL_MS,
  SMS_RESEND_MS,
  type SmsChallenge,
  type SmsCodeAnswer,
  startLogin,
  type StartLoginOptions,
  StepwiseLogin,
  type StepwiseLoginOptions,
  storeProfileToken,
  type StoreProfileTokenOptions,
  summarizeShoot,
  type TargetFlags,
  type TargetNames,
  tokenOwner,
  validateToken,
  verifySmsCode,
  wakeShoot,
} from "./lib/cleura/mod.ts";
export {
  type CloudInstance,
  type DecodedJwt,
  decodeJwtUnverified,
  DEFAULT_TTL_SECONDS,
  type InstancePage,
  type InstanceQuery,
  ITOPIA_DEFAULT_URL,
  ItopiaAuth,
  type ItopiaAuthEvent,
  type ItopiaAuthOptions,
  type ItopiaCall,
  type ItopiaClaims,
  ItopiaClient,
  type ItopiaConfig,
  itopiaConfig,
  type ItopiaCredentials,
  itopiaExpiry,
  type ItopiaExpiryReading,
  type ItopiaToken,
  listCloudInstances,
  loginItopia,
  MAX_TTL_SECONDS,
  type MintedJwt,
  mintJwt,
  type MintJwtOptions,
  parseCloudInstances,
  readItopiaExpiry,
  refreshMarginMs,
  selectInstances,
} from "./lib/itopia/mod.ts";
