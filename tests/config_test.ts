import assert from "node:assert/strict";
import {
  CLEURA_COMPLIANT_URL,
  CLEURA_PUBLIC_URL,
  cleuraConfig,
  ConfigError,
  ITOPIA_DEFAULT_URL,
  itopiaConfig,
  loadConfig,
} from "../mod.ts";

Deno.test("loadConfig() uses the public defaults when nothing is set", () => {
  const config = loadConfig({});
  assert.deepEqual(config, {
    cleura: { apiUrl: CLEURA_PUBLIC_URL },
    itopia: { apiUrl: ITOPIA_DEFAULT_URL },
  });
});

Deno.test("cleuraConfig() picks the compliant cloud from CLEURA_CLOUD", () => {
  assert.equal(
    cleuraConfig({ CLEURA_CLOUD: "compliant" }).apiUrl,
    CLEURA_COMPLIANT_URL,
  );
});

Deno.test("cleuraConfig() prefers CLEURA_API_URL and trims its trailing slash", () => {
  const config = cleuraConfig({
    CLEURA_CLOUD: "compliant",
    CLEURA_API_URL: "https://rest.private.example/",
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: "pw",
    CLEURA_API_TWOFA: "sms",
  });
  assert.deepEqual(config, {
    apiUrl: "https://rest.private.example",
    username: "alice",
    password: "pw",
    twofa: "sms",
  });
});

Deno.test("itopiaConfig() parses ids as integers", () => {
  const config = itopiaConfig({
    ITOPIA_API_KEY: "key",
    ITOPIA_ORGANIZATION_ID: "42",
    ITOPIA_DEPLOYMENT_ID: " 7 ",
  });
  assert.equal(config.organizationId, 42);
  assert.equal(config.deploymentId, 7);
});

for (
  const [name, value, pattern] of [
    [
      "ITOPIA_ORGANIZATION_ID",
      "abc",
      /^ITOPIA_ORGANIZATION_ID must be a whole number, got "abc"$/,
    ],
    [
      "ITOPIA_DEPLOYMENT_ID",
      "0",
      /^ITOPIA_DEPLOYMENT_ID must be greater than 0/,
    ],
    [
      "ITOPIA_DEPLOYMENT_ID",
      "1.5",
      /^ITOPIA_DEPLOYMENT_ID must be a whole number/,
    ],
    [
      "CLEURA_CLOUD",
      "private",
      /^CLEURA_CLOUD must be "public" or "compliant"/,
    ],
    ["CLEURA_API_TWOFA", "webauthn", /^CLEURA_API_TWOFA must be "sms"/],
    [
      "CLEURA_API_URL",
      "ftp://x",
      /^CLEURA_API_URL must be an http or https URL/,
    ],
    [
      "ITOPIA_API_URL",
      "not a url",
      /^ITOPIA_API_URL must be an http or https URL/,
    ],
  ] as const
) {
  Deno.test(`loadConfig() names ${name} when it is "${value}"`, () => {
    assert.throws(() => loadConfig({ [name]: value }), (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, pattern);
      return true;
    });
  });
}

Deno.test("loadConfig() never shows a secret variable's value", () => {
  assert.throws(
    () => loadConfig({ ITOPIA_API_KEY: "   " }),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, "ITOPIA_API_KEY must not be empty");
      return true;
    },
  );
});

Deno.test("loadConfig() treats empty variables as unset", () => {
  assert.deepEqual(
    itopiaConfig({ ITOPIA_ORGANIZATION_ID: "", ITOPIA_API_KEY: "" }),
    { apiUrl: ITOPIA_DEFAULT_URL },
  );
});
