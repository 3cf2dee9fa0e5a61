// The Kubernetes cluster commands of the CLI against the emulator, run in
// process (a fake terminal) and once as a child process with a piped stdin:
// list, get, the admin kubeconfig (a credential), hibernate and wake (asked
// on a terminal, --yes in a script), all-domain projects, a revoked token.

import assert from "node:assert/strict";
import { load } from "js-yaml";
import {
  cliArgs,
  type MainOptions,
  runMain,
  spawnPiped,
} from "./_helpers/cli.ts";
import { cleuraEnv } from "./_helpers/accounts.ts";
import { childEnv } from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";
import {
  bySpoken,
  type Emulator,
  readShoot,
  startEmulator,
} from "./_helpers/emulator.ts";

const PROJECT = "79b0cef4p1";
const WHERE = ["--region", "sto2", "--project-id", PROJECT];

/** An emulator, a token cache folder, and the CLI run in process as alice. */
async function setup() {
  const emu = await startEmulator();
  const cache = await tempDir();
  const env = cleuraEnv(emu, "alice");
  return {
    emu,
    env,
    cache: cache.path,
    cli: (
      args: string[],
      options: MainOptions & { env?: Record<string, string> } = {},
    ) =>
      runMain(["cleura", ...args], options.env ?? env, {
        cacheDir: cache.path,
        ...options,
      }),
    async [Symbol.asyncDispose]() {
      await emu.close();
      await cache[Symbol.asyncDispose]();
    },
  };
}

function hibernated(emu: Emulator, name: string): boolean | null | undefined {
  return emu.shoot(name)?.status?.hibernated;
}

Deno.test("cleura shoot list prints NAME VERSION LAST OPERATION READY HIBERNATED WORKERS for both clusters", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "list", ...WHERE]);
  assert.equal(run.code, 0, run.stderr);
  const [header, ...rows] = run.stdout.split("\n");
  assert.match(
    header!,
    /^NAME +VERSION +LAST OPERATION +READY +HIBERNATED +WORKERS$/,
  );
  assert.equal(rows.length, 2);
  assert.match(
    rows[0]!,
    /^prod-cluster +1\.31\.4 +Reconcile Succeeded 100% +yes +no +general \(b\.4c16gb, 3-6\), memory/,
  );
  assert.match(rows[1]!, /^dev-cluster +1\.30\.8 .* yes +general/);
  assert.equal(
    header!.indexOf("HIBERNATED"),
    rows[1]!.search(/ yes +general/) + 1,
  );
});

Deno.test("cleura shoot list takes CLEURA_REGION and CLEURA_PROJECT_ID from the environment; a flag beats them", async () => {
  await using s = await setup();
  const env = { ...s.env, CLEURA_REGION: "sto2", CLEURA_PROJECT_ID: PROJECT };
  const fromEnv = await s.cli(["shoot", "list", "-o", "json"], { env });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.equal(JSON.parse(fromEnv.stdout).shoots.length, 2);
  const other = await s.cli(
    ["shoot", "list", "--project-id", "79b0cef4p2"],
    { env },
  );
  assert.equal(other.code, 0, other.stderr);
  assert.equal(
    other.stdout,
    'No Kubernetes clusters in project "79b0cef4p2", region sto2.',
  );
});

Deno.test("cleura shoot list without a region exits 2 saying so, before any request", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "list", "--project-id", PROJECT]);
  assert.equal(run.code, 2);
  assert.equal(run.errLines.length, 1);
  assert.match(run.stderr, /^error: No region: pass --region \(e\.g\. sto2\)/);
  assert.equal(s.emu.counters.requests, 0);
});

Deno.test("cleura shoot list -o json and -o yaml give the whole clusters", async () => {
  await using s = await setup();
  const json = JSON.parse(
    (await s.cli(["shoot", "list", ...WHERE, "-o", "json"])).stdout,
  );
  assert.equal(json.region, "sto2");
  assert.equal(json.projectId, PROJECT);
  assert.deepEqual(json.shoots, [
    readShoot(s.emu, "prod-cluster"),
    readShoot(s.emu, "dev-cluster"),
  ]);
  const yaml = await s.cli(["shoot", "list", ...WHERE, "-o", "yaml"]);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.deepEqual(load(yaml.stdout), json);
});

Deno.test("cleura shoot get shows a cluster; an unknown one exits 1 naming it; a bad name exits 2 before any request", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "get", "prod-cluster", ...WHERE]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^CLUSTER\n/);
  assert.match(run.stdout, /Name +prod-cluster/);
  assert.match(run.stdout, /Kubernetes +1\.31\.4/);
  assert.match(run.stdout, /Hibernated +no/);
  assert.match(run.stdout, /WORKER GROUP +MACHINE +MIN +MAX +ZONES/);
  assert.match(run.stdout, /memory +m\.4c32gb +1 +3 +nova/);
  assert.match(run.stdout, /EveryNodeReady +True +All nodes are ready\./);
  const missing = await s.cli(["shoot", "get", "nope", ...WHERE]);
  assert.equal(missing.code, 1);
  assert.equal(missing.errLines.length, 1);
  assert.match(
    missing.stderr,
    /^error: Cannot get Kubernetes cluster "nope": there is no such cluster in project "79b0cef4p1", region sto2/,
  );
  const before = s.emu.counters.requests;
  const bad = await s.cli(["shoot", "get", "Bad_Name!", ...WHERE]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^error: The cluster name must be .*, got "Bad_Name!"$/,
  );
  assert.equal(s.emu.counters.requests, before);
});

Deno.test("cleura shoot kubeconfig -f writes the file 0600 and prints only its path", async () => {
  await using s = await setup();
  await using dir = await tempDir();
  const file = `${dir.path}/prod.yaml`;
  await Deno.writeTextFile(file, "old\n", { mode: 0o644 });
  // On a terminal too: only the path is printed.
  const run = await s.cli([
    "shoot",
    "kubeconfig",
    "prod-cluster",
    ...WHERE,
    "-f",
    file,
  ], {
    stdoutIsTerminal: true,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, file);
  const text = await Deno.readTextFile(file);
  assert.match(text, /^apiVersion: v1$/m);
  const token = /token: (\S+)/.exec(text)![1]!;
  assert.ok(!run.lines.join("\n").includes(token));
  assert.ok(!run.lines.join("\n").includes("apiVersion"));
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  }
  // Again: the file is replaced, and nothing else is left in the folder.
  const again = await s.cli([
    "shoot",
    "kubeconfig",
    "prod-cluster",
    ...WHERE,
    "-f",
    file,
  ]);
  assert.equal(again.code, 0, again.stderr);
  const replaced = await Deno.readTextFile(file);
  assert.notEqual(replaced, text);
  assert.ok(!replaced.includes(token));
  assert.deepEqual(
    await Array.fromAsync(Deno.readDir(dir.path), (e) => e.name),
    ["prod.yaml"],
  );
  assert.equal(s.emu.counters.kubeconfigsIssued, 2);
  const nowhere = await s.cli([
    "shoot",
    "kubeconfig",
    "prod-cluster",
    ...WHERE,
    "-f",
    `${dir.path}/missing/prod.yaml`,
  ]);
  assert.equal(nowhere.code, 2);
  assert.match(
    nowhere.stderr,
    /^error: Cannot write the kubeconfig to ".*\/missing\/prod\.yaml": its folder does not exist$/,
  );
  assert.equal(nowhere.stdout, "");
  assert.deepEqual(
    await Array.fromAsync(Deno.readDir(dir.path), (e) => e.name),
    ["prod.yaml"],
  );
  // Refused before the API was asked: no third kubeconfig was issued.
  const folder = await s.cli([
    "shoot",
    "kubeconfig",
    "prod-cluster",
    ...WHERE,
    "-f",
    dir.path,
  ]);
  assert.equal(folder.code, 2);
  assert.match(
    folder.stderr,
    /^error: Cannot write the kubeconfig to ".*": it is a folder$/,
  );
  const underFile = await s.cli([
    "shoot",
    "kubeconfig",
    "prod-cluster",
    ...WHERE,
    "-f",
    `${file}/x.yaml`,
  ]);
  assert.equal(underFile.code, 2);
  assert.match(underFile.stderr, /: its folder is not a folder$/);
  assert.equal(s.emu.counters.kubeconfigsIssued, 2);
});

Deno.test("cleura shoot kubeconfig is not printed on a terminal, and none is issued", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "kubeconfig", "prod-cluster", ...WHERE], {
    stdoutIsTerminal: true,
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^error: A kubeconfig is a credential .*-f FILE/);
  assert.equal(run.stdout, "");
  assert.equal(s.emu.counters.kubeconfigsIssued, 0);
  assert.equal(s.emu.counters.requests, 0);
});

Deno.test("cleura shoot kubeconfig to a pipe prints the YAML; --expiration 2h asks for 7200 seconds", async () => {
  await using s = await setup();
  const run = await s.cli(["shoot", "kubeconfig", "prod-cluster", ...WHERE]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^apiVersion: v1$/m);
  assert.match(run.stdout, /expires in 3600 seconds/);
  const config = load(run.stdout) as {
    kind: string;
    "current-context": string;
  };
  assert.equal(config.kind, "Config");
  assert.equal(
    config["current-context"],
    "garden-79b0cef4p1--prod-cluster-external",
  );
  const two = await s.cli([
    "shoot",
    "kubeconfig",
    "prod-cluster",
    ...WHERE,
    "--expiration",
    "2h",
  ]);
  assert.equal(two.code, 0, two.stderr);
  assert.match(two.stdout, /expires in 7200 seconds/);
});

for (const expiration of ["5m", "soon", "25h"]) {
  Deno.test(`cleura shoot kubeconfig --expiration ${expiration} exits 2 naming the accepted range, before any request`, async () => {
    await using s = await setup();
    const run = await s.cli([
      "shoot",
      "kubeconfig",
      "prod-cluster",
      ...WHERE,
      "--expiration",
      expiration,
    ]);
    assert.equal(run.code, 2);
    assert.equal(run.errLines.length, 1);
    // The flag is named (for 5m and 25h too, which parse as durations).
    assert.match(run.stderr, /^error: --expiration must be .*10m to 24h/);
    assert.equal(s.emu.counters.requests, 0);
  });
}

for (const action of ["hibernate", "wake"]) {
  Deno.test(`cleura shoot ${action} in a script without --yes exits 2, changes nothing and logs in to nothing`, async () => {
    await using s = await setup();
    const name = action === "hibernate" ? "prod-cluster" : "dev-cluster";
    const run = await s.cli(["shoot", action, name, ...WHERE]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /needs --yes when not run on a terminal: nothing was changed$/,
    );
    assert.equal(hibernated(s.emu, name), action === "wake");
    assert.equal(
      s.emu.counters.shootHibernations + s.emu.counters.shootWakes,
      0,
    );
    assert.equal(s.emu.counters.cleuraLogins, 0);
    assert.equal(s.emu.counters.requests, 0);
  });
}

Deno.test("cleura shoot hibernate --yes hibernates, and wake --yes wakes up", async () => {
  await using s = await setup();
  const run = await s.cli([
    "shoot",
    "hibernate",
    "prod-cluster",
    ...WHERE,
    "--yes",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /^Hibernating cluster "prod-cluster": the API accepted it/,
  );
  assert.equal(hibernated(s.emu, "prod-cluster"), true);
  assert.equal(s.emu.counters.shootHibernations, 1);
  const wake = await s.cli(["shoot", "wake", "dev-cluster", ...WHERE, "-y"]);
  assert.equal(wake.code, 0, wake.stderr);
  assert.match(wake.stdout, /^Waking up cluster "dev-cluster"/);
  assert.equal(hibernated(s.emu, "dev-cluster"), false);
  assert.equal(s.emu.counters.shootWakes, 1);
  const missing = await s.cli([
    "shoot",
    "hibernate",
    "nope",
    ...WHERE,
    "--yes",
  ]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^error: Cannot hibernate Kubernetes cluster "nope": there is no such cluster/,
  );
  assert.equal(s.emu.counters.shootHibernations, 1);
});

Deno.test("cleura shoot hibernate on a terminal asks first: n changes nothing, y hibernates", async () => {
  await using s = await setup();
  const args = ["shoot", "hibernate", "prod-cluster", ...WHERE];
  const no = await s.cli(args, { stdinIsTerminal: true, stdin: ["n"] });
  assert.equal(no.code, 1);
  assert.match(
    no.errLines[0]!,
    /^Hibernate Kubernetes cluster "prod-cluster" \(1\.31\.4, hibernated: no\) in project "79b0cef4p1", region sto2\? \[y\/N\]$/,
  );
  assert.match(
    no.stderr,
    /Not confirmed: cluster "prod-cluster" was not changed/,
  );
  assert.equal(hibernated(s.emu, "prod-cluster"), false);
  assert.equal(s.emu.counters.shootHibernations, 0);
  const yes = await s.cli(args, { stdinIsTerminal: true, stdin: ["y"] });
  assert.equal(yes.code, 0, yes.stderr);
  assert.equal(hibernated(s.emu, "prod-cluster"), true);
  assert.equal(s.emu.counters.shootHibernations, 1);
});

Deno.test("cli.ts cleura shoot hibernate as a child with a piped stdin and no --yes exits 2, changing nothing", async () => {
  await using emu = await startEmulator();
  await using cache = await tempDir();
  const child = spawnPiped(
    Deno.execPath(),
    cliArgs(cache.path, [
      "cleura",
      "shoot",
      "hibernate",
      "prod-cluster",
      ...WHERE,
    ]),
    childEnv({
      ...cleuraEnv(emu, "alice"),
      XDG_CACHE_HOME: cache.path,
      NO_COLOR: "1",
    }),
  );
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("y\n"));
  await writer.close();
  const { code, stderr } = await child.output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 2, text);
  assert.match(text, /nothing was changed/);
  assert.equal(hibernated(emu, "prod-cluster"), false);
  assert.equal(emu.counters.requests, 0);
});

Deno.test("cleura projects without --domain lists every domain's projects; -o yaml reads as -o json", async () => {
  await using s = await setup();
  const table = await s.cli(["projects"]);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split("\n");
  assert.match(lines[0]!, /^ID +NAME +DEFAULT +ENABLED +DOMAIN +REGIONS$/);
  const json = JSON.parse((await s.cli(["projects", "-o", "json"])).stdout) as {
    projects: { id: string; domainId: string }[];
  };
  assert.equal(new Set(json.projects.map((p) => p.domainId)).size, 3);
  assert.ok(json.projects.some((p) => p.id === PROJECT));
  assert.equal(lines.length, json.projects.length + 1);
  assert.match(
    lines[3]!,
    bySpoken({
      v1: /^08db589dp1 +production +yes +yes +CCP_Domain_43597 +Fra1$/,
      v2: /^08db589dp1 +production +- +yes +CCP_Domain_43597 +Fra1$/,
    }),
  );
  const yaml = await s.cli(["projects", "-o", "yaml"]);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.deepEqual(load(yaml.stdout), json);
});

Deno.test("cleura shoot list with a revoked CLEURA_API_TOKEN and no password exits 1 saying so", async () => {
  await using s = await setup();
  const env = {
    CLEURA_API_URL: s.emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_TOKEN: "bogus",
  };
  const run = await s.cli(["shoot", "list", ...WHERE], { env });
  assert.equal(run.code, 1);
  assert.equal(run.errLines.length, 1);
  assert.match(
    run.stderr,
    /^error: Cannot list the Kubernetes clusters .*the token of "alice" has expired or was revoked/,
  );
  assert.equal(s.emu.counters.cleuraLogins, 0);
});
