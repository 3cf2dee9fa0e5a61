/**
 * The emulator's accounts, keys, deployments and clusters: their types, and
 * the ones it has by default.
 *
 * @module
 */

import { type EmulatedShoot, seedShoots } from "./gardener.ts";

/** A Cleura account of the emulator. */
export interface EmulatedCleuraUser {
  /** The login. */
  login: string;
  /** The password. */
  password: string;
  /** Its second factors; empty for none. */
  secondFactors: ("sms" | "webauthn")[];
  /**
   * What a login without `twofa_method` answers for an account with SMS:
   * `twofactor_required` (an SMS challenge at once, as Cleura does for an
   * account whose only second factor is SMS) or `twofactor_options` (a
   * choice, as for an account with SMS and WebAuthn). The default follows
   * those two cases.
   */
  plainLogin?: "twofactor_required" | "twofactor_options";
}

/** An itopia API key of the emulator. */
export interface EmulatedApiKey {
  /** The key, the HS256 secret. */
  key: string;
  /** The organization it belongs to. */
  organizationId: number;
  /** The deployments it may reach: `all`, or a list. */
  deployments: "all" | number[];
}

/** An itopia CAS admin of the emulator, for the login method. */
export interface EmulatedItopiaAdmin {
  /** The username. */
  username: string;
  /** The password. */
  password: string;
  /** The organization. */
  organizationId: number;
}

/** An itopia deployment of the emulator. */
export interface EmulatedDeployment {
  /** The deployment's id. */
  id: number;
  /** The organization it belongs to. */
  organizationId: number;
  /** How many instances it has; they are generated. */
  instanceCount: number;
}

/**
 * The accounts, keys, deployments and Kubernetes clusters the emulator has by
 * default. The clusters: in region `sto2` of project `79b0cef4p1` (the first
 * domain's "production"), in both garden domains, `prod-cluster` (ready, two
 * worker groups) and `dev-cluster` (hibernated).
 *
 * @example
 * ```ts
 * import { EMULATOR_FIXTURES } from "@cloudgate/toolkit/testing";
 *
 * console.log(EMULATOR_FIXTURES.cleuraUsers.map((u) => u.login)); // ["alice", "bob", "carol", "dave"]
 * ```
 */
export const EMULATOR_FIXTURES: {
  cleuraUsers: EmulatedCleuraUser[];
  itopiaApiKeys: EmulatedApiKey[];
  itopiaAdmins: EmulatedItopiaAdmin[];
  deployments: EmulatedDeployment[];
  shoots: EmulatedShoot[];
} = {
  cleuraUsers: [
    { login: "alice", password: "alice-password", secondFactors: [] },
    { login: "bob", password: "bob-password", secondFactors: ["sms"] },
    {
      login: "carol",
      password: "carol-password",
      secondFactors: ["sms", "webauthn"],
    },
    { login: "dave", password: "dave-password", secondFactors: ["webauthn"] },
  ],
  itopiaApiKeys: [
    {
      key: "emulator-key-org-42-all-deployments",
      organizationId: 42,
      deployments: "all",
    },
    {
      key: "emulator-key-org-42-deployment-101",
      organizationId: 42,
      deployments: [101],
    },
  ],
  itopiaAdmins: [{
    username: "admin@example.com",
    password: "admin-password",
    organizationId: 42,
  }],
  deployments: [
    { id: 101, organizationId: 42, instanceCount: 5 },
    { id: 102, organizationId: 42, instanceCount: 1200 },
    { id: 301, organizationId: 77, instanceCount: 2 },
  ],
  shoots: seedShoots(),
};
