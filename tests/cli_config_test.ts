// `cleura config view` and `cleura config path`: each setting with its
// source (flag, environment, profile field, default), never a secret's value,
// and the file of Cleura's CLI config from the one folder lookup.

import assert from "node:assert/strict";
import { runMain } from "./_helpers/cli.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { tempDir } from "./_helpers/temp.ts";

const SECRET = "profile-token-canary-93kq";

async function withProfile() {
  const dir = await tempDir();
  const path = `${dir.path}/config.yaml`;
  await Deno.writeTextFile(
    path,
    `current_profile: work\nprofiles:\n  work:\n    api_url: https://rest.cleura.cloud\n    username: alice\n    token: ${SECRET}\n    region: sto2\n`,
    { mode: 0o600 },
  );
  return { dir, path };
}

Deno.test("cleura config view shows each setting's value and source, the profile first, and never a token or password", async () => {
  const { dir, path } = await withProfile();
  await using _ = dir;
  const env = {
    CLEURA_CONFIG: path,
    CLEURA_PROJECT_ID: "79b0cef4p1",
    CLEURA_API_PASSWORD: "password-canary-2b7x",
  };
  const table = await runMain(["cleura", "config", "view"], env, {
    cacheDir: `${dir.path}/cache`,
  });
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split("\n");
  assert.equal(
    lines[0],
    `Profile "work" of ${path} (chosen by current_profile)`,
  );
  assert.match(lines[1]!, /^SETTING +VALUE +FROM$/);
  assert.ok(
    lines.some((l) =>
      /^apiUrl +https:\/\/rest\.cleura\.cloud +api_url of profile "work"$/.test(
        l,
      )
    ),
    table.stdout,
  );
  assert.ok(
    lines.some((l) => /^projectId +79b0cef4p1 +CLEURA_PROJECT_ID$/.test(l)),
  );
  assert.ok(lines.some((l) => /^password +set +CLEURA_API_PASSWORD$/.test(l)));
  assert.ok(lines.some((l) => /^token +set +token of profile "work"$/.test(l)));
  const json = await runMain(["cleura", "config", "view", "-o", "json"], env, {
    cacheDir: `${dir.path}/cache`,
  });
  assert.equal(json.code, 0, json.stderr);
  const data = JSON.parse(json.stdout);
  assert.deepEqual(data.profile, {
    name: "work",
    path,
    chosenBy: "current_profile",
  });
  assert.deepEqual(
    data.settings.find((s: { name: string }) => s.name === "region"),
    {
      name: "region",
      value: "sto2",
      source: { kind: "profile", name: "region" },
    },
  );
  for (const run of [table, json]) {
    assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET));
    assert.ok(!run.stdout.includes("password-canary-2b7x"));
  }
});

Deno.test("cleura config view with nothing set shows the default API URL", async () => {
  await using dir = await tempDir();
  const run = await runMain(["cleura", "config", "view"], {
    HOME: dir.path,
  }, { cacheDir: `${dir.path}/cache` });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.split("\n"), [
    "SETTING  VALUE                      FROM",
    "apiUrl   https://rest.cleura.cloud  default",
  ]);
});

Deno.test("cleura config path prints the config file the commands read, and names the variables when none is known", async () => {
  await using dir = await tempDir();
  const explicit = await runMain(["cleura", "config", "path"], {
    CLEURA_CONFIG: `${dir.path}/c.yaml`,
  });
  assert.deepEqual([explicit.code, explicit.outLines], [0, [
    `${dir.path}/c.yaml`,
  ]]);
  const home = await runMain(["cleura", "config", "path"], { HOME: dir.path });
  assert.deepEqual(home.outLines, [`${dir.path}/.config/cleura/config.yaml`]);
  const none = await runMain(["cleura", "config", "path"], {});
  assert.equal(none.code, 2);
  assert.deepEqual(none.errLines, [
    "error: No location for Cleura's CLI config is known: set CLEURA_CONFIG, XDG_CONFIG_HOME or HOME",
  ]);
});

Deno.test("cleura config get-credentials prints Cleura's CLI's JSON for other tools; exit 2 with an error object when there is none", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const cacheDir = `${dir.path}/cache`;
  const base = { CLEURA_API_URL: emu.cleuraUrl, CLEURA_API_USERNAME: "alice" };
  // Nothing to print yet.
  const none = await runMain(["cleura", "config", "get-credentials"], base, {
    cacheDir,
  });
  assert.equal(none.code, 2);
  assert.deepEqual(JSON.parse(none.stdout), {
    error: `no credentials: no token for "alice"; run 'cloudgate cleura login'`,
  });
  // After a login, the cached token, with when it was stored.
  const login = await runMain(["cleura", "login"], {
    ...base,
    CLEURA_API_PASSWORD: "alice-password",
  }, { cacheDir });
  assert.equal(login.code, 0, login.stderr);
  const got = await runMain(
    ["cleura", "config", "get-credentials", "--validate"],
    { ...base, CLEURA_REGION: "sto2" },
    { cacheDir },
  );
  assert.equal(got.code, 0, got.stderr);
  const envelope = JSON.parse(got.stdout);
  assert.deepEqual(Object.keys(envelope), [
    "version",
    "profile",
    "endpoint",
    "username",
    "token",
    "region",
    "token_stored_at",
  ]);
  assert.equal(envelope.version, 1);
  assert.equal(envelope.endpoint, emu.cleuraUrl);
  assert.equal(envelope.username, "alice");
  assert.equal(typeof envelope.token, "string"); // and --validate accepted it
  assert.match(envelope.token_stored_at, /^\d{4}-\d\d-\d\dT/);
  // A token the API refuses, with --validate.
  const refused = await runMain(
    ["cleura", "config", "get-credentials", "--validate"],
    { ...base, CLEURA_API_TOKEN: "not-a-token" },
    { cacheDir },
  );
  assert.equal(refused.code, 2);
  assert.match(JSON.parse(refused.stdout).error, /refused the token/);
});
