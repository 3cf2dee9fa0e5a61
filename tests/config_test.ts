import assert from "node:assert/strict";
import { runMain } from "./_helpers/cli.ts";
import { call, setUp } from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";
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

Deno.test("cleuraConfig() reads the default region and project", () => {
  const config = cleuraConfig({
    CLEURA_REGION: " sto2 ",
    CLEURA_PROJECT_ID: "0a1b2c3d-4e5f",
    CLEURA_PROFILE: "work",
    CLEURA_CONFIG: "/etc/cleura.yaml",
  });
  assert.deepEqual(config, {
    apiUrl: CLEURA_PUBLIC_URL,
    region: "sto2",
    projectId: "0a1b2c3d-4e5f",
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
    ["CLEURA_REGION", "sto 2", /^CLEURA_REGION must be a region name/],
    ["CLEURA_PROJECT_ID", "a/b", /^CLEURA_PROJECT_ID must be a project id/],
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

Deno.test("an API URL with a user name or password is refused, and never shown", () => {
  for (const name of ["CLEURA_API_URL", "ITOPIA_API_URL"] as const) {
    const error = (() => {
      try {
        loadConfig({ [name]: "https://me:s3cret-pass@rest.cleura.cloud" });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ConfigError, name);
    assert.match(
      error.message,
      new RegExp(`^${name} must not contain a user name or password`),
    );
    assert.ok(!error.message.includes("s3cret-pass"));
    assert.ok(!error.message.includes("me:"));
  }
  assert.throws(
    () => loadConfig({ CLEURA_API_URL: "ftp://me:s3cret-pass@x" }),
    (e: Error) => !e.message.includes("s3cret-pass"),
  );
});

Deno.test("plain http is refused beyond this machine unless CLOUDGATE_ALLOW_HTTP=1", () => {
  assert.throws(
    () => loadConfig({ CLEURA_API_URL: "http://rest.cleura.cloud" }),
    /^ConfigError: CLEURA_API_URL uses plain http to "rest.cleura.cloud".*CLOUDGATE_ALLOW_HTTP=1/,
  );
  assert.throws(
    () => loadConfig({ ITOPIA_API_URL: "http://10.0.0.5/api/v2" }),
    /ITOPIA_API_URL uses plain http/,
  );
  for (
    const host of ["127.0.0.1:8080", "127.9.9.9", "localhost:1", "[::1]:80"]
  ) {
    assert.equal(
      loadConfig({ CLEURA_API_URL: `http://${host}` }).cleura.apiUrl,
      `http://${host}`,
    );
  }
  assert.equal(
    loadConfig({
      CLEURA_API_URL: "http://cleura.internal",
      CLOUDGATE_ALLOW_HTTP: "1",
    }).cleura.apiUrl,
    "http://cleura.internal",
  );
});

/** URLs whose password holds a character that ends a URL's authority. */
const CREDENTIAL_URLS = ["/", "?", "#", "\\", " ", "%2F", "@"].flatMap((c) => [
  `https://alice:s3${c}cr3t-pass@rest.cleura.cloud`,
  `https://alice:s3${c}cr3t-pass@rest.cleura.cloud/path?q=1`,
  `ftp://alice:s3${c}cr3t-pass@x.example`,
  ` https://alice:s3${c}cr3t-pass@10.0.0.1:8443 `,
]);

/** Whether a message shows any part of the password or the user. */
function shows(message: string): boolean {
  return /s3|cr3t|alice/.test(message);
}

Deno.test("a URL with credentials is never echoed, even when its password holds /, ? or # (library, profile, CLI, MCP)", async () => {
  for (const url of CREDENTIAL_URLS) {
    for (const name of ["CLEURA_API_URL", "ITOPIA_API_URL"] as const) {
      let message = "";
      try {
        loadConfig({ [name]: url });
      } catch (e) {
        message = (e as Error).message;
      }
      assert.ok(message.startsWith(name), url);
      assert.ok(!shows(message), `${url}: ${message}`);
    }
  }
  const url = "https://alice:s3/cr3t-pass@rest.cleura.cloud";
  // From a profile of Cleura's CLI config.
  await using dir = await tempDir();
  const path = `${dir.path}/config.yaml`;
  await Deno.writeTextFile(
    path,
    `profiles:\n  default:\n    api_url: "${url}"\n    username: bob\n`,
    { mode: 0o600 },
  );
  const cli = await runMain(["cleura", "regions"], {
    CLEURA_CONFIG: path,
    CLEURA_API_PASSWORD: "pw",
  }, { cacheDir: `${dir.path}/cache` });
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /api_url/);
  assert.ok(!shows(cli.stderr), cli.stderr);
  // From the environment, through the CLI and an MCP tool error.
  const env = { CLEURA_API_URL: url, CLEURA_API_USERNAME: "bob" };
  const run = await runMain(["cleura", "regions"], env, {
    cacheDir: `${dir.path}/cache`,
  });
  assert.equal(run.code, 2);
  assert.ok(!shows(run.stderr), run.stderr);
  await using t = await setUp(() => env);
  const result = await call(t.client, "cleura_list_regions");
  assert.equal(result.isError, true);
  assert.match(result.text, /CLEURA_API_URL must not contain/);
  assert.ok(!shows(result.text), result.text);
});
