// What each CLI command loads, read from Deno's own debug log of the module
// loader: the help, the version and completion load no API code and no npm
// package; `itopia jwt` loads jose and no zod, no js-yaml and nothing of
// Cleura; a Cleura command loads nothing of itopia; js-yaml loads only for
// `-o yaml`; the one `node:` module is `node:util`, for the flag parser's
// `parseArgs`. No timings here: those are in bench/cli_start.ts.

import assert from "node:assert/strict";
import { type Loaded, loadedBy } from "./_helpers/loaded.ts";

/** Runs `cli.ts args` with Deno's debug log and lists what it loaded. */
function loaded(
  args: string[],
  env: Record<string, string> = {},
): Promise<Loaded> {
  return loadedBy("cli.ts", args, { env });
}

const API_CODE = /^(lib\/(cleura|itopia)\/|cli\/\w+_run\.ts$)/;

Deno.test("the help, the version and completion load no API code, no npm package, and of node: only util", async () => {
  for (
    const args of [
      ["--help"],
      ["--version"],
      ["completion", "bash"],
      ["cleura", "regions", "--help"],
      ["cleura", "shoot", "get", "--help"],
      ["itopia", "jwt", "--help"],
      ["cleura"],
    ]
  ) {
    const run = await loaded(args);
    const what = args.join(" ");
    assert.equal(run.code, what === "cleura" ? 2 : 0, what);
    assert.deepEqual(run.npm, [], what);
    assert.deepEqual(run.node, ["util"], what);
    assert.deepEqual(run.own.filter((m) => API_CODE.test(m)), [], what);
    assert.ok(!run.own.includes("lib/token_cache.ts"), what);
  }
});

const JWT_ENV = {
  ITOPIA_API_KEY: "test-api-key-0123456789abcdef0123456789",
  ITOPIA_ORGANIZATION_ID: "42",
};

Deno.test("itopia jwt loads jose and the JWT module only: no zod, no js-yaml, of node: only util, nothing of Cleura", async () => {
  const run = await loaded(["itopia", "jwt"], JWT_ENV);
  assert.equal(run.code, 0);
  assert.deepEqual(run.npm, ["jose"]);
  assert.deepEqual(run.node, ["util"]);
  assert.deepEqual(run.own.filter((m) => API_CODE.test(m)), [
    "cli/itopia_run.ts",
    "lib/itopia/jwt.ts",
  ]);
  const yaml = await loaded(["itopia", "jwt", "-o", "yaml"], JWT_ENV);
  assert.equal(yaml.code, 0);
  assert.deepEqual(yaml.npm, ["jose", "js-yaml"]);
  assert.deepEqual(yaml.node, ["util"]);
});

Deno.test("a Cleura command loads nothing of itopia", async () => {
  // No username: the command stops at its settings, after loading its code.
  const run = await loaded(["cleura", "whoami"]);
  assert.equal(run.code, 2);
  assert.ok(run.own.includes("cli/cleura_run.ts"));
  assert.deepEqual(run.own.filter((m) => /itopia/.test(m)), ["cli/itopia.ts"]);
  assert.ok(!run.npm.includes("jose"), run.npm.join(", "));
  assert.ok(!run.npm.includes("js-yaml"), run.npm.join(", "));
});
