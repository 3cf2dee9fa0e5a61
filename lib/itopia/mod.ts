/**
 * The itopia CAS API alone: {@linkcode mintJwt} (HS256, signed with the API
 * key), the login method, an {@linkcode ItopiaAuth} bearer provider, the
 * {@linkcode ItopiaClient} every call goes through, and
 * {@linkcode listCloudInstances}.
 *
 * @example
 * ```ts ignore
 * import { ItopiaAuth, itopiaConfig, listCloudInstances } from "@cloudgate/toolkit/itopia";
 *
 * const auth = ItopiaAuth.fromConfig(itopiaConfig());
 * console.log(await listCloudInstances(auth, { deploymentId: 7 }));
 * ```
 *
 * @module
 */

export type { HttpOptions, HttpResponse } from "../http.ts";
export type { EnvSource } from "../env.ts";
export {
  ITOPIA_DEFAULT_URL,
  type ItopiaConfig,
  itopiaConfig,
} from "../config.ts";
export {
  type DecodedJwt,
  decodeJwtUnverified,
  DEFAULT_TTL_SECONDS,
  type ItopiaClaims,
  MAX_TTL_SECONDS,
  type MintedJwt,
  mintJwt,
  type MintJwtOptions,
} from "./jwt.ts";
export {
  ItopiaAuth,
  type ItopiaAuthEvent,
  type ItopiaAuthOptions,
  type ItopiaCredentials,
  itopiaExpiry,
  type ItopiaExpiryReading,
  type ItopiaToken,
  loginItopia,
  readItopiaExpiry,
  refreshMarginMs,
} from "./auth.ts";
export { type ItopiaCall, ItopiaClient } from "./client.ts";
export {
  type CloudInstance,
  type InstancePage,
  type InstanceQuery,
  listCloudInstances,
  parseCloudInstances,
  selectInstances,
} from "./api.ts";
