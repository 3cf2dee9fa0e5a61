// The CLI with a profile of Cleura's own CLI config (as cleura-cli writes
// it): the user, API, region, project and token it gives, how flags and the
// environment win over it, `cleura login --profile` writing the token back,
// and the one-line errors for a bad file or a missing profile.

import assert from "node:assert/strict";
import { load } from "js-yaml";
import { type MainOptions, runMain } from "./_helpers/cli.ts";
import { tempDir } from "./_helpers/temp.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";

const STORED_AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A config file as Cleura's CLI writes it, with alice's token in both profiles. */
function configText(emu: Emulator, token: string): string {
  return [
    "# Written by cleura-cli; edit with care",
    "version: 1",
    "current_profile: work",
    "profiles:",
    "    work:",
    "        cloud: public",
    `        api_url: ${emu.cleuraUrl}`,
    "        username: alice",
    `        token: ${token}`,
    "        region: sto2",
    "        project_id: 79b0cef4p1",
    "        token_stored_at: 2026-01-02T03:04:05Z",
    "        output_format: table",
    "    other:",
    `        api_url: ${emu.cleuraUrl}`,
    "        username: alice",
    `        token: ${token}`,
    "        region: sto2",
    "        project_id: 79b0cef4p2",
    "",
  ].join("\n");
}

/** An emulator, a config file (alice's token in it) and the CLI run with it. */
async function setup() {
  const emu = await startEmulator();
  const dir = await tempDir();
  const path = `${dir.path}/config.yaml`;
  const token = emu.issueCleuraToken("alice");
  await Deno.writeTextFile(path, configText(emu, token), { mode: 0o600 });
  return {
    emu,
    path,
    token,
    cli: (
      args: string[],
      env: Record<string, string> = {},
      options: MainOptions = {},
    ) =>
      runMain(["cleura", ...args], { CLEURA_CONFIG: path, ...env }, {
        cacheDir: `${dir.path}/cache`,
        ...options,
      }),
    async [Symbol.asyncDispose]() {
      await emu.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("a user logged in with Cleura's CLI needs no second login here: shoot list with no flags uses the profile's user, API, region, project and token", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "list", "-o", "json"]);
  assert.equal(run.code, 0, run.stderr);
  const data = JSON.parse(run.stdout);
  assert.equal(data.region, "sto2");
  assert.equal(data.projectId, "79b0cef4p1");
  assert.deepEqual(
    data.shoots.map((s: { metadata: { name: string } }) => s.metadata.name),
    ["prod-cluster", "dev-cluster"],
  );
  assert.equal(s.emu.counters.cleuraLogins, 0);
  assert.equal(s.emu.counters.cleuraPasswordPosts, 0);
});

Deno.test("--profile other and CLEURA_PROFILE=other pick the other profile", async () => {
  await using s = await setup();
  const empty = 'No Kubernetes clusters in project "79b0cef4p2", region sto2.';
  const flag = await s.cli(["shoot", "list", "--profile", "other"]);
  assert.equal(flag.code, 0, flag.stderr);
  assert.equal(flag.stdout, empty);
  const env = await s.cli(["shoot", "list"], { CLEURA_PROFILE: "other" });
  assert.equal(env.code, 0, env.stderr);
  assert.equal(env.stdout, empty);
  const both = await s.cli(["shoot", "list", "--profile", "work"], {
    CLEURA_PROFILE: "other",
  });
  assert.match(both.stdout, /^NAME .*\nprod-cluster/, "the flag wins");
  assert.equal(s.emu.counters.cleuraLogins, 0);
});

Deno.test("CLEURA_REGION in the environment beats the profile's region", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "list"], { CLEURA_REGION: "fra1" });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'No Kubernetes clusters in project "79b0cef4p1", region fra1.',
  );
});

Deno.test("the profile's token is not sent for another user: bob must log in himself", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "list"], { CLEURA_API_USERNAME: "bob" });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr,
    'error: Cannot log in "bob": no password is set (CLEURA_API_PASSWORD) and no valid token is available',
  );
  assert.equal(s.emu.counters.requests, 0, "alice's token was never sent");
  // With his password and the SMS code, bob logs in and sees the profile's project.
  const bob = await s.cli(
    ["shoot", "list"],
    { CLEURA_API_USERNAME: "bob", CLEURA_API_PASSWORD: "bob-password" },
    { stdin: () => [String(s.emu.lastSmsCode("bob")).padStart(6, "0")] },
  );
  assert.equal(bob.code, 0, bob.stderr);
  assert.match(bob.stdout, /\nprod-cluster /);
  assert.equal(s.emu.counters.smsSent, 1);
  assert.equal(s.emu.counters.cleuraLogins, 1);
});

Deno.test("cleura login --profile work stores the new token in the file, keeping every other field, profile and the comment", async () => {
  await using s = await setup();
  const before = load(await Deno.readTextFile(s.path)) as {
    profiles: Record<string, Record<string, string>>;
  };
  const run = await s.cli(["login", "--profile", "work"], {
    CLEURA_API_PASSWORD: "alice-password",
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `Logged in to ${s.emu.cleuraUrl} as "alice"`);
  assert.equal(run.stderr, `Token stored in profile "work" of ${s.path}`);
  assert.equal(s.emu.counters.cleuraLogins, 1);
  const text = await Deno.readTextFile(s.path);
  assert.ok(text.startsWith("# Written by cleura-cli; edit with care\n"));
  const after = load(text) as typeof before & Record<string, unknown>;
  const { token, token_stored_at, ...work } = after.profiles.work!;
  assert.notEqual(token, s.token);
  assert.match(token!, /^\S{16,}$/);
  assert.ok(
    !run.lines.join("\n").includes(token!),
    "the token is printed nowhere",
  );
  assert.match(token_stored_at!, STORED_AT);
  assert.notEqual(token_stored_at, before.profiles.work!.token_stored_at);
  const { token: _t, token_stored_at: _at, ...workBefore } = before.profiles
    .work!;
  assert.deepEqual(work, workBefore);
  assert.equal(work.output_format, "table");
  assert.deepEqual(after.profiles.other, before.profiles.other);
  assert.equal(after.version, 1);
  assert.equal(after.current_profile, "work");
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(s.path)).mode! & 0o777, 0o600);
  }
  // The stored token works: no second login.
  const list = await s.cli(["shoot", "list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(s.emu.counters.cleuraLogins, 1);
});

Deno.test("cleura login --profile work as bob is refused before any request: the profile is alice's, no SMS is spent, the file is left alone", async () => {
  await using s = await setup();
  const text = await Deno.readTextFile(s.path);
  const bob = {
    CLEURA_API_USERNAME: "bob",
    CLEURA_API_PASSWORD: "bob-password",
  };
  for (
    const args of [
      ["login", "--profile", "work"],
      ["login", "--profile", "work", "--send-code"],
      ["login", "--profile", "work", "--verify"],
    ]
  ) {
    const run = await s.cli(args, { ...bob, CLEURA_VERIFICATION: "v-handle" }, {
      stdin: () => ["123456"],
    });
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(
      run.stderr,
      /^error: Cannot store the token in .*config\.yaml: the profile is for another user \(log in as that user, or choose another profile\)$/,
    );
    assert.equal(run.stdout, "");
  }
  assert.equal(s.emu.counters.requests, 0);
  assert.equal(s.emu.counters.smsSent, 0);
  assert.equal(await Deno.readTextFile(s.path), text);
});

Deno.test("cleura login --profile into a config file that is a link is refused before any request", async () => {
  await using s = await setup();
  const link = s.path.replace(/config\.yaml$/, "link.yaml");
  await Deno.symlink(s.path, link);
  const run = await s.cli(["login", "--profile", "work"], {
    CLEURA_CONFIG: link,
    CLEURA_API_PASSWORD: "alice-password",
  });
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /^error: Cannot store the token in .*link\.yaml: it is a symbolic link/,
  );
  assert.equal(s.emu.counters.requests, 0);
});

Deno.test("cleura login --profile new adds the profile to a file that does not have it, and makes a missing file", async () => {
  await using s = await setup();
  const alice = {
    CLEURA_API_URL: s.emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: "alice-password",
  };
  // A new profile has no user of its own: the login's comes from the environment.
  const nobody = await s.cli(["login", "--profile", "lab"], {
    CLEURA_API_PASSWORD: "alice-password",
  });
  assert.equal(nobody.code, 2);
  assert.equal(nobody.stderr, "error: CLEURA_API_USERNAME is not set");
  const run = await s.cli(["login", "--profile", "lab"], alice);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Token stored in profile "lab" of .*config\.yaml/);
  const after = load(await Deno.readTextFile(s.path)) as {
    profiles: Record<string, Record<string, string>>;
  };
  assert.equal(after.profiles.lab!.username, "alice");
  assert.ok(after.profiles.work);
  const fresh = s.path.replace(/config\.yaml$/, "new/cleura/config.yaml");
  const made = await s.cli(["login", "--profile", "lab"], {
    ...alice,
    CLEURA_CONFIG: fresh,
  });
  assert.equal(made.code, 0, made.stderr);
  const created = load(await Deno.readTextFile(fresh)) as {
    current_profile: string;
    profiles: Record<string, Record<string, string>>;
  };
  assert.equal(created.current_profile, "lab");
  assert.equal(created.profiles.lab!.username, "alice");
});

Deno.test("cleura login without --profile leaves the config file alone", async () => {
  await using s = await setup();
  const text = await Deno.readTextFile(s.path);
  const mtime = (await Deno.stat(s.path)).mtime;
  const run = await s.cli(["login"], { CLEURA_API_PASSWORD: "alice-password" });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(s.emu.counters.cleuraLogins, 1);
  assert.equal(await Deno.readTextFile(s.path), text);
  assert.deepEqual((await Deno.stat(s.path)).mtime, mtime);
  assert.deepEqual(
    await Array.fromAsync(
      Deno.readDir(s.path.replace(/\/config\.yaml$/, "")),
      (e) => e.name,
    ).then((names) => names.filter((n) => n !== "cache")),
    ["config.yaml"],
  );
});

const BAD_FILES: [string, (token: string) => string, RegExp][] = [
  [
    "malformed YAML",
    (token) => `version: 1\nprofiles:\n  work:\n    token: ${token}\n   x: [\n`,
    /is not valid YAML/,
  ],
  [
    "version 2",
    (token) => `version: 2\nprofiles:\n  work:\n    token: ${token}\n`,
    /version 2 is not supported/,
  ],
];

for (const [what, text, reason] of BAD_FILES) {
  Deno.test(`a config file with ${what} exits 2 in one line naming the file, showing no token`, async () => {
    await using s = await setup();
    await Deno.writeTextFile(s.path, text(s.token));
    const run = await s.cli(["shoot", "list"], {
      CLEURA_API_PASSWORD: "alice-password",
    });
    assert.equal(run.code, 2);
    assert.equal(run.errLines.length, 1, run.stderr);
    assert.ok(
      run.stderr.startsWith(
        `error: Cannot read the Cleura CLI config ${s.path}: `,
      ),
    );
    assert.match(run.stderr, reason);
    assert.ok(!run.stderr.includes(s.token));
    assert.equal(s.emu.counters.requests, 0);
  });
}

Deno.test("--profile that is not in the file exits 2 naming it and the profiles there (only a login creates one)", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "list", "--profile", "missing"]);
  assert.equal(run.code, 2);
  assert.equal(run.errLines.length, 1);
  assert.equal(
    run.stderr,
    `error: Cleura CLI profile "missing" is not in ${s.path} (profiles: work, other)`,
  );
  assert.equal(s.emu.counters.requests, 0);
});
