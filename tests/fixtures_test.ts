import assert from "node:assert/strict";
import {
  QUIRKY_DOMAINS,
  SEED_CLEURA_DOMAINS,
  SEED_CLEURA_LOGIN_OK,
  SEED_CLEURA_TWOFACTOR_REQUIRED,
  SEED_CLEURA_VERIFY_OK,
  startEmulator,
} from "./_helpers/emulator.ts";
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

Deno.test("parseDomains() leaves out an element it cannot read, with one warning naming it", () => {
  const warnings: string[] = [];
  const domains = parseDomains([{
    id: "1",
    name: "x",
    status: "s",
    enabled: "yes",
    area: {},
  }, JSON.parse(SEED_CLEURA_DOMAINS)[0]], (w) => warnings.push(w));
  assert.equal(domains.length, 1);
  assert.deepEqual(warnings, [
    'Left out domain "1": "enabled" is missing or of the wrong type',
  ]);
  assert.throws(
    () => parseDomains({ not: "a list" }),
    /^ResponseFormatError: Cannot list domains: the response of \/accesscontrol\/v1\/openstack\/domains is not a list/,
  );
});

Deno.test("parseDomains() reads the v2 schema's nullable fields and keeps unknown ones", () => {
  const warnings: string[] = [];
  const domains = parseDomains(QUIRKY_DOMAINS, (w) => warnings.push(w));
  assert.deepEqual(domains.map((d) => d.name), ["CCP_Domain_43597", null]);
  assert.equal(domains[1]!.enabled, null);
  assert.equal(domains[1]!.error, "The domain is being provisioned");
  assert.equal(domains[0]!.area.id, "6", "a numeric id becomes a string");
  assert.deepEqual(domains[0]!.area.regions[0]!.capabilities, [
    "compute",
    "kubernetes",
  ]);
  const regions = flattenRegions(domains);
  assert.deepEqual(regions.map((r) => r.region), ["Sto2", "Fra1", "Kna1"]);
  assert.equal(regions[1]!.domainName, null);
  assert.deepEqual(warnings, [
    'Left out region "9" of domain "79b0cef45b504586ad0bf057dc4cb8b8": "region" is missing or of the wrong type',
    "Left out domain 3 of the list: it is not an object",
  ]);
});
