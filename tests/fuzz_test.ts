// Property-based tests: generated configuration, SMS codes, API responses,
// JWT options, CLI arguments and MCP tool arguments. Invariants: only the
// project's typed errors escape, no secret appears in any message, nothing
// hangs (every async run has a time limit).
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AuthError,
  ConfigError,
  ENV_NAMES,
  loadConfig,
  mintJwt,
  parseCloudInstances,
  parseDomains,
  parseSmsCode,
  ResponseFormatError,
  selectInstances,
} from "../mod.ts";
import { runMain } from "./_helpers/cli.ts";
import { tempDir } from "./_helpers/temp.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { call, closedPort, memoryClient } from "./_helpers/mcp.ts";

const CANARY = "CANARY-s3cr3t-9f2b";
const RUN_LIMIT = { timeout: 5_000 };

/** Generated cases, summed over this file, for the note. */
let generated = 0;

function noCanary(text: string): void {
  assert.ok(!text.includes(CANARY), `a secret leaked: ${text}`);
}

/** Every CLI command name. */
const COMMANDS = [
  "login",
  "token",
  "regions",
  "domains",
  "projects",
  "whoami",
  "logout",
  "jwt",
  "instances",
];

Deno.test("fuzz: configuration parsing only throws ConfigError, never with a secret", () => {
  const secretNames = [
    "CLEURA_API_PASSWORD",
    "CLEURA_API_TOKEN",
    "ITOPIA_API_KEY",
    "ITOPIA_PASSWORD",
  ];
  const plainNames = ENV_NAMES.filter((n) => !secretNames.includes(n));
  const plain = fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.webUrl(),
    fc.constantFrom("public", "compliant", "sms", "0", "-1", "1e3", " 7 ", ""),
  );
  const secret = fc.oneof(
    fc.constant(CANARY),
    fc.string().map((s) => `${s}${CANARY}${s}`),
    fc.constantFrom("", "   ", "\t"),
  );
  const env = fc.tuple(
    fc.dictionary(fc.constantFrom(...plainNames), plain),
    fc.dictionary(fc.constantFrom(...secretNames), secret),
  ).map(([a, b]) => ({ ...a, ...b }));
  fc.assert(
    fc.property(env, (vars) => {
      generated++;
      try {
        const config = loadConfig(vars);
        assert.ok(config.cleura.apiUrl.startsWith("http"));
        if (config.itopia.organizationId !== undefined) {
          assert.ok(Number.isSafeInteger(config.itopia.organizationId));
        }
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        noCanary(error.message);
      }
    }),
    { numRuns: 2_500 },
  );
});

Deno.test("fuzz: SMS codes are integers up to 999999 or an AuthError that hides the input", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.integer(),
        fc.double(),
        fc.stringMatching(/^\s*\d{1,8}\s*$/),
      ),
      (code) => {
        generated++;
        try {
          const value = parseSmsCode(code);
          assert.ok(Number.isInteger(value) && value >= 0 && value <= 999_999);
        } catch (error) {
          assert.ok(error instanceof AuthError);
          // One fixed message, whatever was typed: the input is never echoed.
          assert.equal(
            error.message,
            "The SMS code must be a whole number of up to 6 digits",
          );
        }
      },
    ),
    { numRuns: 2_000 },
  );
});

Deno.test("fuzz: response parsers return typed values or a ResponseFormatError", () => {
  const domain = fc.record({
    id: fc.oneof(fc.string(), fc.integer()),
    name: fc.string(),
    status: fc.string(),
    enabled: fc.boolean(),
    area: fc.record({
      id: fc.oneof(fc.string(), fc.integer()),
      name: fc.string(),
      tag: fc.string(),
      regions: fc.array(fc.record({
        zone_id: fc.oneof(fc.string(), fc.integer()),
        name: fc.string(),
        status: fc.string(),
        region: fc.string(),
      })),
    }),
  });
  const body = fc.oneof(
    fc.jsonValue(),
    fc.array(domain),
    fc.array(fc.jsonValue()),
  );
  fc.assert(
    fc.property(body, (value) => {
      generated++;
      for (
        const parse of [
          () => parseDomains(value),
          () => parseCloudInstances(value, 7),
        ]
      ) {
        try {
          const list = parse();
          assert.ok(Array.isArray(list));
        } catch (error) {
          assert.ok(error instanceof ResponseFormatError, String(error));
          assert.doesNotMatch(error.message, /\n/);
        }
      }
    }),
    { numRuns: 3_000 },
  );
});

Deno.test("fuzz: instance paging never loses or repeats an instance", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          name: fc.string(),
          status: fc.constantFrom("Running", "Stopped"),
        }),
      ),
      fc.integer({ min: 1, max: 20 }),
      (instances, limit) => {
        generated++;
        const seen: unknown[] = [];
        let offset: number | undefined = 0;
        while (offset !== undefined) {
          const page = selectInstances(instances, { offset, limit });
          assert.ok(page.instances.length <= limit);
          seen.push(...page.instances);
          offset = page.nextOffset;
        }
        assert.deepEqual(seen, instances);
      },
    ),
    { numRuns: 1_000 },
  );
});

Deno.test("fuzz: JWT options give a token or a ConfigError, never showing the key", async () => {
  const id = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constant(Number.MAX_SAFE_INTEGER + 2),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        apiKey: fc.oneof(
          fc.string().map((s) => `${CANARY}${s}`),
          fc.constant(""),
          fc.constant("   "),
        ),
        organizationId: id,
        deploymentId: id,
        ttlSeconds: fc.oneof(fc.integer(), fc.double()),
      }, { requiredKeys: ["apiKey", "organizationId"] }),
      async (options) => {
        generated++;
        try {
          const minted = await mintJwt(options);
          assert.equal(
            minted.claims.exp - minted.claims.iat,
            options.ttlSeconds ?? 3600,
          );
          noCanary(JSON.stringify(minted.claims));
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          noCanary(error.message);
        }
      },
    ),
    { numRuns: 1_500, ...RUN_LIMIT },
  );
});

Deno.test("fuzz: CLI arguments give exit 0, 1 or 2, error lines, and no secret", async () => {
  const closed = `http://127.0.0.1:${closedPort()}`;
  await using cache = await tempDir();
  const word = fc.oneof(
    fc.constantFrom(
      "cleura",
      "itopia",
      ...COMMANDS,
      "--json",
      "--help",
      "-h",
      "--no-cache",
      "--debug",
      "--domain",
      "--status",
      "--deployment-id",
      "--organization-id",
      "--ttl",
      "--timeout",
      "--send-code",
      "--verify",
      "--password",
      "--code",
      `--token=${CANARY}`,
      "--",
      "0",
      "42",
      "-1",
      "1e9",
      "x",
    ),
    fc.string(),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(
        fc.constantFrom("cleura", "itopia", "cleura", "itopia", "help", "x"),
        fc.constantFrom(...COMMANDS, "--help", "y"),
        fc.array(word, { maxLength: 5 }),
      ).map(([api, command, rest]) => [api, command, ...rest]),
      async (args) => {
        generated++;
        const run = await runMain(args, {
          CLEURA_API_URL: closed,
          CLEURA_API_USERNAME: "alice",
          CLEURA_API_PASSWORD: CANARY,
          ITOPIA_API_URL: closed,
          ITOPIA_ORGANIZATION_ID: "42",
        }, { cacheDir: cache.path });
        // --debug adds its own lines (each setting's source, never a value
        // that is secret); nothing else reaches stderr unprefixed.
        const prefixes = args.includes("--debug")
          ? /^(error|warning|note|debug): /
          : /^(error|warning|note): /;
        for (const l of run.errLines) assert.match(l, prefixes);
        assert.ok([0, 1, 2].includes(run.code), `exit ${run.code}`);
        noCanary(run.lines.join("\n"));
      },
    ),
    { numRuns: 1_000, ...RUN_LIMIT },
  );
});

Deno.test("fuzz: MCP tool arguments give a result or a tool error, and no secret", async () => {
  await using emu = await startEmulator({
    cleuraUsers: [{ login: "alice", password: CANARY, secondFactors: [] }],
    itopiaAdmins: [{
      username: "admin@example.com",
      password: `${CANARY}-itopia`,
      organizationId: 42,
    }],
  });
  await using t = await memoryClient({
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: CANARY,
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_USERNAME: "admin@example.com",
    ITOPIA_PASSWORD: `${CANARY}-itopia`,
    ITOPIA_ORGANIZATION_ID: "42",
  });
  const anything = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(101, 102, 301, 999, 0, -5, "101", "active", "Running"),
  );
  const tool = fc.constantFrom(
    "cleura_list_regions",
    "cleura_list_domains",
    "cleura_list_projects",
    "cleura_token_status",
    "itopia_mint_jwt",
    "itopia_list_instances",
  );
  const args = fc.dictionary(
    fc.constantFrom(
      "status",
      "domainId",
      "organizationId",
      "deploymentId",
      "ttlSeconds",
      "nameContains",
      "limit",
      "cursor",
      "extra",
    ),
    anything,
  );
  await fc.assert(
    fc.asyncProperty(tool, args, async (name, input) => {
      generated++;
      const result = await call(t.client, name, input);
      noCanary(result.text);
      if (!result.isError) assert.ok(result.structured, name);
    }),
    { numRuns: 1_000, ...RUN_LIMIT },
  );
});

Deno.test("fuzz: at least 10,000 cases were generated", () => {
  assert.ok(generated >= 10_000, `${generated} cases`);
  console.log(`fuzz: ${generated} generated cases`);
});
