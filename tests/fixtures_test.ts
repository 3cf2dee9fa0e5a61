import assert from "node:assert/strict";
import {
  SEED_CLEURA_DOMAINS,
  SEED_CLEURA_LOGIN_OK,
  SEED_CLEURA_TWOFACTOR_REQUIRED,
  SEED_CLEURA_VERIFY_OK,
  startEmulator,
} from "../lib/testing/mod.ts";
import {
  flattenRegions,
  parseDomains,
  startLogin,
  verifySmsCode,
} from "../mod.ts";

Deno.test("the seed's domains parse into the expected typed values", () => {
  const domains = parseDomains(JSON.parse(SEED_CLEURA_DOMAINS));
  assert.equal(domains.length, 3);
  assert.deepEqual(domains[1], {
    area: {
      id: "7",
      name: "Germany / Frankfurt",
      tag: "DE",
      regions: [{
        zone_id: "6",
        name: "Frankfurt / Germany",
        status: "active",
        region: "Fra1",
      }],
    },
    id: "08db589d04f442e19c272f2cd1a02906",
    status: "provisioned",
    name: "CCP_Domain_43597",
    enabled: true,
  });
  assert.deepEqual(
    flattenRegions(domains).map((r) => [r.region, r.areaTag, r.zoneId]),
    [["Sto2", "SE_STO2", "2"], ["Fra1", "DE", "6"], ["Kna1", "EU", "1"]],
  );
});

Deno.test("the seed's login answers parse into a token and an SMS challenge", async () => {
  await using emu = await startEmulator();
  const credentials = { apiUrl: emu.cleuraUrl, login: "alice", password: "x" };
  emu.injectFault({ kind: "json", body: JSON.parse(SEED_CLEURA_LOGIN_OK) });
  assert.deepEqual(await startLogin(credentials), {
    kind: "token",
    token: "vahkie7EiDaij7chegaitee2zohsh1oh",
  });
  emu.injectFault({
    kind: "json",
    body: JSON.parse(SEED_CLEURA_TWOFACTOR_REQUIRED),
  });
  assert.deepEqual(await startLogin(credentials, { twofa: "sms" }), {
    kind: "sms",
    verification: "ahb4en3cho",
  });
  emu.injectFault({ kind: "json", body: JSON.parse(SEED_CLEURA_VERIFY_OK) });
  assert.equal(
    await verifySmsCode({
      apiUrl: emu.cleuraUrl,
      login: "alice",
      verification: "ahb4en3cho",
      code: 123456,
    }),
    "fiushood9oraTiNa4ban3eemeezoeDae",
  );
});

Deno.test("parseDomains() names the field at fault in a wrong shape", () => {
  assert.throws(
    () =>
      parseDomains([{
        id: "1",
        name: "x",
        status: "s",
        enabled: "yes",
        area: {},
      }]),
    /^ResponseFormatError: Cannot list domains: the response of \/accesscontrol\/v1\/openstack\/domains has an unexpected shape at "0\.enabled"/,
  );
});
