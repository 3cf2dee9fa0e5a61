/**
 * The JSON examples of the two source documents, byte for byte: golden
 * fixtures for parsers and for the emulator, which answers with them.
 *
 * @module
 */

/**
 * The Cleura seed's answer of `GET /accesscontrol/v1/openstack/domains`.
 *
 * @example
 * ```ts
 * import { SEED_CLEURA_DOMAINS } from "@cloudgate/toolkit/testing";
 *
 * console.log(JSON.parse(SEED_CLEURA_DOMAINS).length); // 3
 * ```
 */
export const SEED_CLEURA_DOMAINS: string = String.raw`[
  {
    "area": {
      "id": "6",
      "name": "Sweden \/ Stockholm",
      "tag": "SE_STO2",
      "regions": [
        {
          "zone_id": "2",
          "name": "Stockholm \/ Sweden",
          "status": "active",
          "region": "Sto2"
        }
      ]
    },
    "id": "79b0cef45b504586ad0bf057dc4cb8b8",
    "status": "provisioned",
    "name": "CCP_Domain_43597",
    "enabled": true
  },
  {
    "area": {
      "id": "7",
      "name": "Germany \/ Frankfurt",
      "tag": "DE",
      "regions": [
        {
          "zone_id": "6",
          "name": "Frankfurt \/ Germany",
          "status": "active",
          "region": "Fra1"
        }
      ]
    },
    "id": "08db589d04f442e19c272f2cd1a02906",
    "status": "provisioned",
    "name": "CCP_Domain_43597",
    "enabled": true
  },
  {
    "area": {
      "id": "1",
      "name": "Europe",
      "tag": "EU",
      "regions": [
        {
          "zone_id": "1",
          "name": "Karlskrona \/ Sweden",
          "status": "active",
          "region": "Kna1"
        }
      ]
    },
    "id": "a018123218f5428ba96d7fb212d90cf2",
    "status": "provisioned",
    "name": "CCP_Domain_43597",
    "enabled": true
  }
]`;

/**
 * The Cleura seed's answer to a password login without 2FA.
 *
 * @example
 * ```ts
 * import { SEED_CLEURA_LOGIN_OK } from "@cloudgate/toolkit/testing";
 *
 * console.log(JSON.parse(SEED_CLEURA_LOGIN_OK).result); // login_ok
 * ```
 */
export const SEED_CLEURA_LOGIN_OK: string = String.raw`{
  "result": "login_ok",
  "token": "vahkie7EiDaij7chegaitee2zohsh1oh"
}`;

/**
 * The Cleura seed's answer to a login that starts SMS two-factor.
 *
 * @example
 * ```ts
 * import { SEED_CLEURA_TWOFACTOR_REQUIRED } from "@cloudgate/toolkit/testing";
 *
 * console.log(JSON.parse(SEED_CLEURA_TWOFACTOR_REQUIRED).type); // sms
 * ```
 */
export const SEED_CLEURA_TWOFACTOR_REQUIRED: string = String.raw`{
  "result": "twofactor_required",
  "type": "sms",
  "verification": "ahb4en3cho"
}`;

/**
 * The Cleura seed's answer to a verified SMS code.
 *
 * @example
 * ```ts
 * import { SEED_CLEURA_VERIFY_OK } from "@cloudgate/toolkit/testing";
 *
 * console.log(JSON.parse(SEED_CLEURA_VERIFY_OK).result); // login_ok
 * ```
 */
export const SEED_CLEURA_VERIFY_OK: string = String.raw`{
  "result": "login_ok",
  "token": "fiushood9oraTiNa4ban3eemeezoeDae"
}`;

/**
 * The itopia seed's JWT header (with the usual `typ` for its `"type"`).
 *
 * @example
 * ```ts
 * import { SEED_ITOPIA_JWT_HEADER } from "@cloudgate/toolkit/testing";
 *
 * console.log(SEED_ITOPIA_JWT_HEADER.alg); // HS256
 * ```
 */
export const SEED_ITOPIA_JWT_HEADER = { alg: "HS256", typ: "JWT" } as const;

/**
 * A `GET /accesscontrol/v1/openstack/domains` answer with the odd shapes the
 * API's v2 schema allows, for {@linkcode EmulatorOptions.domains}: a domain
 * whose `name` and `enabled` are `null` and that carries an `error`, a region
 * with fields cloudgate does not know, a region without its code, and one
 * element that is not a domain at all. A tolerant client lists two domains
 * and three regions, and warns about the two elements it leaves out.
 *
 * @example
 * ```ts
 * import { QUIRKY_DOMAINS, startEmulator } from "@cloudgate/toolkit/testing";
 *
 * await using emulator = await startEmulator({ domains: QUIRKY_DOMAINS });
 * console.log(QUIRKY_DOMAINS.length); // 3
 * ```
 */
export const QUIRKY_DOMAINS: unknown[] = [
  {
    id: "79b0cef45b504586ad0bf057dc4cb8b8",
    name: "CCP_Domain_43597",
    status: "provisioned",
    enabled: true,
    area: {
      id: 6,
      name: "Sweden / Stockholm",
      tag: "SE_STO2",
      regions: [
        {
          zone_id: "2",
          name: "Stockholm / Sweden",
          status: "active",
          region: "Sto2",
          tag: "sto2",
          capabilities: ["compute", "kubernetes"],
        },
        { zone_id: "9", name: "No code", status: "active" },
      ],
    },
  },
  {
    id: "d7a1f4e0c0b14c5a9a8f00a1b2c3d4e5",
    name: null,
    status: "error",
    enabled: null,
    error: "The domain is being provisioned",
    area: {
      id: "7",
      name: "Germany / Frankfurt",
      tag: "DE_FRA1",
      regions: [
        {
          zone_id: "4",
          name: "Frankfurt / Germany",
          status: "active",
          region: "Fra1",
        },
        {
          zone_id: "5",
          name: "Karlskrona / Sweden",
          status: "active",
          region: "Kna1",
        },
      ],
    },
  },
  "not a domain",
];

/**
 * What the emulator's `hostileText` switch ({@linkcode EmulatorOptions.hostileText})
 * puts around every string it answers with: an OSC 52 clipboard write
 * (ended by BEL) and an ANSI colour before the text; after it, an ANSI reset,
 * a C1 CSI (U+009B) that would clear the screen, and a right-to-left override
 * (U+202E) with its pop (U+202C). Cleaned, `before + "prod" + after` reads
 * `prodgnp.exe`.
 *
 * @example
 * ```ts
 * import { HOSTILE_TEXT } from "@cloudgate/toolkit/testing";
 * import { cleanText } from "@cloudgate/toolkit";
 *
 * console.log(cleanText(`${HOSTILE_TEXT.before}prod${HOSTILE_TEXT.after}`)); // prodgnp.exe
 * ```
 */
export const HOSTILE_TEXT: { before: string; after: string } = {
  before: "\u001b]52;c;ZXZpbA==\u0007\u001b[31m",
  after: "\u001b[0m\u009b2J\u202egnp.exe\u202c",
};
