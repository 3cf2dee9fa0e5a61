// The one Cleura settings resolver as the CLI and the MCP server use it: each
// setting picked from a flag, the environment, the profile or the default,
// the source of each shown by --debug and in the server's debug log (never a
// secret), a bad value named by where it came from, and the server reading
// only the environment it is given.

import assert from "node:assert/strict";
import { main as serverMain } from "../mcp/main.ts";
import { SPOKEN, startEmulator } from "./_helpers/emulator.ts";
import { runMain } from "./_helpers/cli.ts";
import { call, setUp } from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";

const PROJECT = "79b0cef4p1";

/** A profile of alice's: the emulator's API, her token, a region and a project. */
function profileText(apiUrl: string, token: string, region = "sto2"): string {
  return [
    "version: 1",
    "current_profile: work",
    "profiles:",
    "  work:",
    `    api_url: ${apiUrl}`,
    "    username: alice",
    `    token: ${token}`,
    `    region: ${region}`,
    `    project_id: ${PROJECT}`,
    "",
  ].join("\n");
}

Deno.test("cleura --debug names the source of each setting, flag > environment > profile, and never shows the token", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const path = `${dir.path}/config.yaml`;
  const token = emu.issueCleuraToken("alice");
  await Deno.writeTextFile(path, profileText(emu.cleuraUrl, token), {
    mode: 0o600,
  });
  const run = await runMain(
    ["cleura", "shoot", "list", "--region", "fra1", "--debug"],
    { CLEURA_CONFIG: path, CLEURA_PROJECT_ID: "79b0cef4p2" },
    { cacheDir: `${dir.path}/cache` },
  );
  assert.equal(run.code, 0, run.stderr);
  const debug = run.errLines.filter((line) => line.startsWith("debug: "));
  assert.deepEqual(debug, [
    `debug: Cleura profile: "work" of ${path} (from current_profile)`,
    `debug: Cleura apiUrl: ${emu.cleuraUrl} (from api_url of profile "work")`,
    'debug: Cleura username: alice (from username of profile "work")',
    'debug: Cleura token: set, not shown (from token of profile "work")',
    "debug: Cleura region: fra1 (from --region)",
    "debug: Cleura projectId: 79b0cef4p2 (from CLEURA_PROJECT_ID)",
    `debug: the Cleura API at ${emu.cleuraUrl} speaks ${SPOKEN}`,
  ]);
  assert.ok(!run.stderr.includes(token));
  assert.equal(
    run.stdout,
    'No Kubernetes clusters in project "79b0cef4p2", region fra1.',
  );
  // Without --debug, no debug line.
  const quiet = await runMain(["cleura", "shoot", "list"], {
    CLEURA_CONFIG: path,
  }, { cacheDir: `${dir.path}/cache` });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.ok(!quiet.stderr.includes("debug:"), quiet.stderr);
});

Deno.test("a bad value is named by where it came from: the flag, the variable, or the profile's field and file", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const path = `${dir.path}/config.yaml`;
  const token = emu.issueCleuraToken("alice");
  await Deno.writeTextFile(path, profileText(emu.cleuraUrl, token, "sto 2"), {
    mode: 0o600,
  });
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runMain(["cleura", ...args], { CLEURA_CONFIG: path, ...env }, {
      cacheDir: `${dir.path}/cache`,
    });
  const file = await cli(["shoot", "list"]);
  assert.equal(file.code, 2);
  assert.equal(
    file.stderr,
    `error: Cleura CLI profile "work" in ${path}: region must be a region name such as "sto2"`,
  );
  const variable = await cli(["shoot", "list"], { CLEURA_REGION: "sto_2" });
  assert.equal(variable.code, 2);
  assert.equal(
    variable.stderr,
    'error: CLEURA_REGION must be a region name such as "sto2", got "sto_2"',
  );
  const flag = await cli(["shoot", "list", "--region", "sto!"], {
    CLEURA_REGION: "sto2",
  });
  assert.equal(flag.code, 2);
  assert.equal(
    flag.stderr,
    'error: --region must be a region name such as "sto2", got "sto!"',
  );
  // The environment's region wins, so the profile's bad one is not used.
  const fine = await cli(["shoot", "list"], { CLEURA_REGION: "sto2" });
  assert.equal(fine.code, 0, fine.stderr);
  assert.equal(emu.counters.cleuraLogins, 0);
});

Deno.test("a region and project missing everywhere: the error names the flag, the variable and the profile's field", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const path = `${dir.path}/config.yaml`;
  await Deno.writeTextFile(
    path,
    `profiles:\n  default:\n    api_url: ${emu.cleuraUrl}\n    username: alice\n    region: sto2\n`,
    { mode: 0o600 },
  );
  const run = await runMain(["cleura", "shoot", "list"], {
    CLEURA_CONFIG: path,
    CLEURA_API_PASSWORD: "alice-password",
  }, { cacheDir: `${dir.path}/cache` });
  assert.equal(run.code, 2);
  assert.equal(
    run.stderr,
    `error: No project: pass --project-id, or set CLEURA_PROJECT_ID or the project_id of Cleura CLI profile "default" in ${path} (see: cloudgate cleura projects)`,
  );
  assert.equal(emu.counters.requests, 0);
});

Deno.test("the MCP server's debug log names the source of each Cleura setting, never the password", async () => {
  await using t = await setUp((emu) => ({
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: "alice-password",
    CLEURA_REGION: "sto2",
  }));
  const list = await call(t.client, "cleura_list_shoots", {
    projectId: PROJECT,
  });
  assert.equal(list.isError, false, list.text);
  const debug = t.logs.filter((line) => line.startsWith("debug: Cleura "));
  assert.deepEqual(debug, [
    `debug: Cleura apiUrl: ${t.emu.cleuraUrl} (from CLEURA_API_URL)`,
    "debug: Cleura username: alice (from CLEURA_API_USERNAME)",
    "debug: Cleura password: set, not shown (from CLEURA_API_PASSWORD)",
    "debug: Cleura region: sto2 (from CLEURA_REGION)",
  ]);
  assert.ok(!t.logs.join("\n").includes("alice-password"));
  // A tool's argument is checked as that argument.
  const bad = await call(t.client, "cleura_list_shoots", {
    projectId: "a/b",
  });
  assert.equal(bad.isError, true);
  assert.match(bad.text, /^projectId must be a project id/);
});

Deno.test("the MCP server reads only the environment it is given: a profile named there is looked for where it says", async () => {
  await using dir = await tempDir();
  const errors: string[] = [];
  const error = console.error;
  console.error = (line: string) => errors.push(line);
  let code: number;
  try {
    code = await serverMain(["--profile", "work"], {
      env: { HOME: dir.path },
    });
  } finally {
    console.error = error;
  }
  assert.equal(code, 2);
  assert.deepEqual(errors, [
    `error: Cleura CLI profile "work" is not available: ${dir.path}/.config/cleura/config.yaml does not exist`,
  ]);
});
