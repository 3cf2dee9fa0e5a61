// Kubernetes clusters (Gardener shoots) through the library, against the
// emulator: list, get, hibernate, wake up, admin kubeconfig, and the checks
// that run before any request.

import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { creds } from "./_helpers/accounts.ts";
import {
  bySpoken,
  type Emulator,
  HOSTILE_TEXT,
  SPOKEN,
  startEmulator,
} from "./_helpers/emulator.ts";
import { adminKubeconfig, parseDuration } from "../lib/cleura/kubeconfig.ts";
import {
  cleuraShootSchema,
  gardenDomainFor,
  getShoot,
  hibernateShoot,
  listShoots,
  NotFoundError,
  type ShootTarget,
  summarizeShoot,
  wakeShoot,
} from "../lib/cleura/gardener.ts";
import { CleuraSession } from "../lib/cleura/session.ts";
import type { SessionEvent } from "../lib/cleura/session_options.ts";
import {
  ApiError,
  AuthError,
  ConfigError,
  ResponseFormatError,
} from "../lib/errors.ts";

/** The project of the emulator's seed clusters: the first domain's "production". */
const PROJECT = "79b0cef4p1";
const WHERE: ShootTarget = { region: "sto2", projectId: PROJECT };

/** The path of a project's clusters in the generation the suite speaks. */
function shootsPath(garden: "public" | "compliant"): string {
  return bySpoken({
    v1: `/gardener/v1/${garden}/shoot/sto2/${PROJECT}`,
    v2: `/gardener/v2/${garden}/shoots/sto2/${PROJECT}`,
  });
}

function session(
  emu: Emulator,
  onEvent?: (event: SessionEvent) => void,
): CleuraSession {
  return new CleuraSession({
    ...creds(emu, "alice"),
    ...(onEvent ? { onEvent } : {}),
  });
}

Deno.test("listShoots() lists a project's clusters, and summarizeShoot() sums each up", async () => {
  await using emu = await startEmulator();
  const shoots = await listShoots(session(emu), WHERE);
  for (const shoot of shoots) cleuraShootSchema.parse(shoot);
  assert.deepEqual(shoots.map(summarizeShoot), [
    {
      name: "prod-cluster",
      kubernetesVersion: "1.31.4",
      purpose: "production",
      region: "sto2",
      lastOperation: {
        type: "Reconcile",
        state: "Succeeded",
        progress: 100,
        description: "Shoot cluster has been successfully reconciled.",
      },
      hibernated: false,
      ready: true,
      workers: [
        {
          name: "general",
          machineType: "b.4c16gb",
          minimum: 3,
          maximum: 6,
          zones: ["nova"],
        },
        {
          name: "memory",
          machineType: "m.4c32gb",
          minimum: 1,
          maximum: 3,
          zones: ["nova"],
        },
      ],
    },
    {
      name: "dev-cluster",
      kubernetesVersion: "1.30.8",
      purpose: "development",
      region: "sto2",
      lastOperation: {
        type: "Reconcile",
        state: "Succeeded",
        progress: 100,
        description: "Shoot cluster has been successfully reconciled.",
      },
      hibernated: true,
      ready: true,
      workers: [
        {
          name: "general",
          machineType: "b.2c4gb",
          minimum: 1,
          maximum: 2,
          zones: ["nova"],
        },
      ],
    },
  ]);
  assert.equal(
    emu.counters.byRoute[`GET ${shootsPath("public")}`],
    1,
  );
});

Deno.test("listShoots() sends the region in lower case and lists nothing for a project without clusters", async () => {
  await using emu = await startEmulator();
  const s = session(emu);
  assert.equal(
    (await listShoots(s, { region: "Sto2", projectId: PROJECT })).length,
    2,
  );
  assert.deepEqual(
    await listShoots(s, { region: "kna1", projectId: "a0181232p1" }),
    [],
  );
});

Deno.test("listShoots() leaves out a cluster it cannot read, with one warning each", async () => {
  await using emu = await startEmulator();
  emu.injectFault({
    path: "/gardener/",
    kind: "json",
    body: bySpoken({
      v1: [
        { metadata: { name: "odd", uid: 7 }, status: { progress: "x" }, x: 1 },
        { spec: {} },
        "not a cluster",
      ],
      v2: [
        { name: "odd", uid: 7, status: { progress: "x" }, x: 1 },
        { kubernetes: {} },
        "not a cluster",
      ],
    }),
  });
  const warnings: string[] = [];
  const shoots = await listShoots(
    session(emu, (e) => e.type === "warning" && warnings.push(e.message)),
    WHERE,
  );
  assert.deepEqual(shoots, [
    bySpoken({
      v1: {
        metadata: { name: "odd", uid: null },
        status: { progress: "x" },
        x: 1,
      },
      v2: {
        metadata: { name: "odd", uid: null },
        spec: {},
        status: { progress: "x" },
        x: 1,
      },
    }),
  ]);
  assert.deepEqual(warnings, [
    `Left out Kubernetes cluster 2 of the list of project "${PROJECT}" in sto2: "${
      bySpoken({ v1: "metadata", v2: "name" })
    }" is missing or of the wrong type`,
    `Left out Kubernetes cluster 3 of the list of project "${PROJECT}" in sto2: it is not an object`,
  ]);
});

Deno.test("getShoot() returns one cluster; a missing one is a NotFoundError naming the project and region", async () => {
  await using emu = await startEmulator();
  const s = session(emu);
  const shoot = await getShoot(s, { ...WHERE, name: "prod-cluster" });
  assert.equal(shoot.metadata.name, "prod-cluster");
  assert.equal(shoot.status?.conditions?.length, 2);
  const error = await rejection(
    getShoot(s, { ...WHERE, name: "ghost" }),
    NotFoundError,
    `Cannot get Kubernetes cluster "ghost": there is no such cluster in project "${PROJECT}", region sto2 (the API answered 404)`,
  );
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 404);
  assert.ok(error.cause instanceof ApiError);
  assert.equal(error.name, "NotFoundError");
});

Deno.test("hibernateShoot() is accepted, and the next get shows the cluster hibernating", async () => {
  await using emu = await startEmulator();
  const s = session(emu);
  await hibernateShoot(s, { ...WHERE, name: "prod-cluster" });
  assert.equal(emu.counters.shootHibernations, 1);
  const shoot = await getShoot(s, { ...WHERE, name: "prod-cluster" });
  // v1 also says what was asked for; v2 only what is.
  if (SPOKEN === "v1") assert.equal(shoot.spec?.hibernation?.enabled, true);
  const summary = summarizeShoot(shoot);
  assert.equal(summary.hibernated, true);
  assert.equal(summary.ready, false);
  assert.deepEqual(summary.lastOperation, {
    type: "Reconcile",
    state: "Processing",
    progress: 0,
    description: "Hibernating cluster",
  });
  // v1 sends the cluster as the emulator keeps it; v2 sends its own shape.
  if (SPOKEN === "v1") assert.deepEqual(emu.shoot("prod-cluster"), shoot);
  assert.deepEqual(summarizeShoot(emu.shoot("prod-cluster")!), summary);
  assert.equal(
    emu.shoot("prod-cluster", { gardenDomain: "compliant" })?.status
      ?.hibernated,
    false,
    "the compliant cloud's cluster of the same name is another one",
  );
});

Deno.test("wakeShoot() wakes a hibernated cluster; waking a missing one names it", async () => {
  await using emu = await startEmulator();
  const s = session(emu);
  await wakeShoot(s, { ...WHERE, name: "dev-cluster" });
  assert.equal(emu.counters.shootWakes, 1);
  const summary = summarizeShoot(
    await getShoot(s, { ...WHERE, name: "dev-cluster" }),
  );
  assert.equal(summary.hibernated, false);
  assert.equal(summary.lastOperation?.description, "Waking up cluster");
  await rejection(
    wakeShoot(s, { ...WHERE, name: "ghost" }),
    NotFoundError,
    `Cannot wake up Kubernetes cluster "ghost": there is no such cluster in project "${PROJECT}", region sto2 (the API answered 404)`,
  );
  assert.equal(emu.counters.shootWakes, 1);
});

Deno.test("adminKubeconfig() returns the kubeconfig the API sends as a JSON string, valid 1h unless told", async () => {
  await using emu = await startEmulator();
  const s = session(emu);
  const target = { ...WHERE, name: "prod-cluster" };
  const standard = await adminKubeconfig(s, target);
  assert.match(
    standard,
    /^# .*expires in 3600 seconds\napiVersion: v1\nkind: Config\n/,
  );
  assert.match(
    standard,
    /server: https:\/\/api\.prod-cluster\.79b0cef4p1\.gardener\./,
  );
  assert.match(standard, /\n {4}token: [A-Za-z0-9]{64}\n/);
  const twoHours = await adminKubeconfig(s, {
    ...target,
    expirationSeconds: parseDuration("2h"),
  });
  assert.match(twoHours, /expires in 7200 seconds/);
  assert.equal(emu.counters.kubeconfigsIssued, 2);
});

Deno.test("adminKubeconfig() refuses an expiration outside 10m to 24h before any request", async () => {
  await using emu = await startEmulator();
  for (const expirationSeconds of [599, 86_401, 1800.5, Number.NaN]) {
    await rejection(
      adminKubeconfig(session(emu), {
        ...WHERE,
        name: "prod-cluster",
        expirationSeconds,
      }),
      ConfigError,
      /^The kubeconfig's expiration must be a whole number of seconds from 600 to 86400 \(10m to 24h\), got (599|86401|1800\.5|NaN)$/,
    );
  }
  assert.equal(emu.counters.requests, 0);
});

Deno.test("adminKubeconfig() never echoes an answer that is not a kubeconfig", async () => {
  await using emu = await startEmulator();
  const tail = bySpoken({ v1: "/adminkubeconfig", v2: "/admin-kubeconfig" });
  const expected = bySpoken({
    v1: "a non-empty JSON string",
    v2: "a kubeconfig in YAML",
  });
  for (const body of [{ kubeconfig: "token: SECRET-1" }, ["SECRET-2"], ""]) {
    emu.injectFault({ path: tail, kind: "json", body });
    const error = await rejection(
      adminKubeconfig(session(emu), { ...WHERE, name: "prod-cluster" }),
      ResponseFormatError,
      `Cannot get an admin kubeconfig for Kubernetes cluster "prod-cluster" of project "${PROJECT}" in sto2: the response of ${
        shootsPath("public")
      }/prod-cluster${tail} is not a kubeconfig (${expected} was expected)`,
    );
    assert.doesNotMatch(String(error.stack), /SECRET/);
  }
});

Deno.test("Gardener calls refuse a bad region, project id or cluster name before any request", async () => {
  await using emu = await startEmulator();
  const s = session(emu);
  const long = "x".repeat(64);
  const cases: [Parameters<typeof getShoot>[1], string][] = [
    [
      { region: "sto 2", projectId: PROJECT, name: "prod-cluster" },
      'The region must be a region code such as sto2 (a letter, then at most 31 letters, digits or dashes), got "sto 2"',
    ],
    [
      { region: "sto2", projectId: "../admin", name: "prod-cluster" },
      'The project id must be 1 to 128 letters, digits, underscores or dashes, got "../admin"',
    ],
    [
      { region: "sto2", projectId: PROJECT, name: "Prod_Cluster" },
      'The cluster name must be 1 to 63 lower-case letters, digits or dashes, starting and ending with a letter or digit, got "Prod_Cluster"',
    ],
    [
      { region: "sto2", projectId: PROJECT, name: long },
      `The cluster name must be 1 to 63 lower-case letters, digits or dashes, starting and ending with a letter or digit, got "${
        "x".repeat(40)
      }…"`,
    ],
    [
      { region: "sto2", projectId: PROJECT, name: "a\u001b[2J" },
      'The cluster name must be 1 to 63 lower-case letters, digits or dashes, starting and ending with a letter or digit, got "a\\u001b[2J"',
    ],
  ];
  for (const [target, message] of cases) {
    await rejection(getShoot(s, target), ConfigError, message);
    await rejection(hibernateShoot(s, target), ConfigError, message);
  }
  await rejection(
    listShoots(s, { region: "", projectId: PROJECT }),
    ConfigError,
    /^The region must be/,
  );
  assert.equal(emu.counters.requests, 0);
});

Deno.test("Gardener calls with a token the emulator does not know and no password fail with a clear auth error", async () => {
  await using emu = await startEmulator();
  const s = new CleuraSession({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: "not-a-token-the-emulator-knows",
  });
  await rejection(
    listShoots(s, WHERE),
    AuthError,
    /^Cannot list the Kubernetes clusters of project "79b0cef4p1" in sto2: the token of "alice" has expired or was revoked \(the API answered 403\)/,
  );
  assert.equal(emu.counters.shootHibernations, 0);
});

Deno.test("gardenDomainFor() picks the compliant garden for the compliant cloud's URL", () => {
  const cases: [string, "public" | "compliant"][] = [
    ["https://rest.cleura.cloud", "public"],
    ["https://rest.compliant.cleura.cloud", "compliant"],
    ["https://REST.Compliant.Cleura.Cloud/", "compliant"],
    ["https://rest.compliant.example.com:8443/api", "compliant"],
    ["http://127.0.0.1:8080", "public"],
    ["https://compliant-rest.cleura.cloud", "public"],
  ];
  for (const [url, garden] of cases) {
    assert.equal(gardenDomainFor(url), garden, url);
  }
});

Deno.test("listShoots() asks the compliant garden when told to", async () => {
  await using emu = await startEmulator();
  await hibernateShoot(session(emu), {
    ...WHERE,
    name: "prod-cluster",
    gardenDomain: "compliant",
  });
  assert.equal(
    emu.counters
      .byRoute[
        `${bySpoken({ v1: "POST", v2: "PATCH" })} ${
          shootsPath("compliant")
        }/prod-cluster/hibernate`
      ],
    1,
  );
  assert.equal(
    emu.shoot("prod-cluster", { gardenDomain: "compliant" })?.status
      ?.hibernated,
    true,
  );
  assert.equal(emu.shoot("prod-cluster")?.status?.hibernated, false);
});

Deno.test("parseDuration() reads 1h, 30m, 90s, 2h30m and whole seconds, and names anything else", () => {
  const cases: [string, number][] = [
    ["1h", 3_600],
    ["30m", 1_800],
    ["90s", 90],
    ["2h30m", 9_000],
    ["1h0m15s", 3_615],
    [" 3600 ", 3_600],
    ["24H", 86_400],
  ];
  for (const [text, seconds] of cases) {
    assert.equal(parseDuration(text), seconds, text);
  }
  for (const text of ["", "1.5h", "30m1h", "1d", "h", "-60", "1 h"]) {
    assert.throws(
      () => parseDuration(text),
      (error) =>
        error instanceof ConfigError &&
        error.message ===
          `The duration must be whole seconds (3600) or hours, minutes and seconds such as 1h, 30m, 90s or 2h30m, got ${
            JSON.stringify(text)
          }`,
      text,
    );
  }
});

Deno.test("the emulator's hostileText makes cluster text hostile, but not names or protocol words", async () => {
  await using emu = await startEmulator({ hostileText: true });
  const shoot = await getShoot(session(emu), {
    ...WHERE,
    name: "prod-cluster",
  });
  const summary = summarizeShoot(shoot);
  assert.equal(summary.name, "prod-cluster");
  assert.equal(summary.ready, true);
  assert.ok(summary.purpose?.startsWith(HOSTILE_TEXT.before));
  assert.ok(summary.workers[0]?.machineType?.endsWith(HOSTILE_TEXT.after));
  assert.ok(
    shoot.status?.conditions?.[0]?.message?.includes(HOSTILE_TEXT.before),
  );
});

Deno.test("the emulator answers 403 to an unknown token and 400 to a kubeconfig without a positive expiration", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const path =
    `${emu.cleuraUrl}/gardener/v1/public/shoot/sto2/${PROJECT}/prod-cluster/adminkubeconfig`;
  const post = async (token: string, body: unknown) => {
    const response = await fetch(path, {
      method: "POST",
      headers: { "x-auth-login": "alice", "x-auth-token": token },
      body: JSON.stringify(body),
    });
    return [response.status, await response.json()];
  };
  assert.deepEqual(await post("nope", { config: { expirationSeconds: 60 } }), [
    403,
    { error: { code: 403, message: "Invalid token" } },
  ]);
  const token = emu.issueCleuraToken("alice");
  for (
    const config of [{}, { expirationSeconds: 0 }, { expirationSeconds: "60" }]
  ) {
    assert.deepEqual(await post(token, { config }), [
      400,
      {
        error: {
          code: 400,
          message: "config.expirationSeconds must be a positive integer",
        },
      },
    ]);
  }
  assert.equal(emu.counters.kubeconfigsIssued, 0);
});
