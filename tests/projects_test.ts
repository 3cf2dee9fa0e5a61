// Projects across every domain: on v1 one row per project with its domain and
// regions, fetched a few domains at a time, and one failing domain named (the
// v1 tests pin v1: v2 has no per-domain listing); on v2 one listing of the
// caller's projects, each with the regions it is in.

import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { creds } from "./_helpers/accounts.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import {
  cleuraProjectRowSchema,
  listAllProjects,
  listProjects,
} from "../lib/cleura/api.ts";
import { CleuraSession } from "../lib/cleura/session.ts";
import { ApiError, ConfigError } from "../lib/errors.ts";

const STO2 = "79b0cef45b504586ad0bf057dc4cb8b8";
const FRA1 = "08db589d04f442e19c272f2cd1a02906";
const KNA1 = "a018123218f5428ba96d7fb212d90cf2";

/** An emulator of v1 alone: these tests are of v1's per-domain listing. */
const V1 = { cleuraGenerations: ["v1"] } as const;

function session(emu: Emulator): CleuraSession {
  return new CleuraSession(creds(emu, "alice"));
}

Deno.test("listAllProjects() on v1 lists every domain's projects with its domain, regions and default", async () => {
  await using emu = await startEmulator(V1);
  const rows = await listAllProjects(session(emu));
  assert.deepEqual(
    rows.map((
      r,
    ) => [r.id, r.name, r.domainId, r.regions, r.default, r.enabled]),
    [
      ["79b0cef4p1", "production", STO2, ["Sto2"], true, true],
      ["79b0cef4p2", "staging-1", STO2, ["Sto2"], false, true],
      ["08db589dp1", "production", FRA1, ["Fra1"], true, true],
      ["08db589dp2", "staging-2", FRA1, ["Fra1"], false, true],
      ["a0181232p1", "production", KNA1, ["Kna1"], true, true],
      ["a0181232p2", "staging-3", KNA1, ["Kna1"], false, false],
    ],
  );
  assert.deepEqual(rows[0], {
    id: "79b0cef4p1",
    name: "production",
    enabled: true,
    default: true,
    domain_id: STO2,
    description: "Production workloads",
    domainId: STO2,
    domainName: "CCP_Domain_43597",
    regions: ["Sto2"],
  });
  for (const row of rows) cleuraProjectRowSchema.parse(row);
});

Deno.test("listAllProjects() keeps at most `concurrency` requests in flight, and the domains' order", async () => {
  // [the concurrency asked for, the most requests in flight]: three domains.
  const cases: [number | undefined, number][] = [
    [1, 1],
    [2, 2],
    [undefined, 3],
    [0, 1],
    [99, 3],
  ];
  for (const [concurrency, most] of cases) {
    await using emu = await startEmulator(V1);
    // The first domain answers last: the rows still come in domain order.
    emu.injectFault({ path: `/${STO2}/projects`, kind: "delay", ms: 120 });
    emu.injectFault({ path: "/projects", kind: "delay", ms: 60, times: 2 });
    const rows = await listAllProjects(
      session(emu),
      concurrency === undefined ? {} : { concurrency },
    );
    assert.deepEqual(rows.map((r) => r.domainId), [
      STO2,
      STO2,
      FRA1,
      FRA1,
      KNA1,
      KNA1,
    ]);
    assert.equal(emu.counters.maxInFlight, most, `concurrency ${concurrency}`);
  }
});

Deno.test("listAllProjects() refuses a concurrency that is not a number", async () => {
  await using emu = await startEmulator();
  await rejection(
    listAllProjects(session(emu), { concurrency: Number.NaN }),
    ConfigError,
    "The concurrency must be a number from 1 to 16, got NaN",
  );
  assert.equal(emu.counters.requests, 0);
});

Deno.test("listAllProjects() names the domain that failed and cancels the others", async () => {
  await using emu = await startEmulator(V1);
  emu.injectFault({ path: `/${STO2}/projects`, kind: "hang" });
  emu.injectFault({ path: `/${FRA1}/projects`, kind: "status", status: 500 });
  emu.injectFault({ path: `/${KNA1}/projects`, kind: "hang" });
  const started = Date.now();
  const error = await rejection(
    listAllProjects(session(emu)),
    ApiError,
    `Cannot list the projects of domain "${FRA1}" (Germany / Frankfurt): the server answered 500: Injected fault`,
  );
  assert.equal(error.status, 500);
  assert.ok(
    Date.now() - started < 5_000,
    "the hanging requests were cancelled",
  );
});

Deno.test("listAllProjects() stops when the caller's signal is aborted", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ path: "/projects", kind: "hang", times: 3 });
  const controller = new AbortController();
  const reason = new Error("the user gave up");
  setTimeout(() => controller.abort(reason), 100);
  await assert.rejects(
    listAllProjects(session(emu), { signal: controller.signal }),
    (error) => error === reason,
  );
});

Deno.test("listProjects() reads default and enabled, passes unknown fields and reads a wrong type as null", async () => {
  await using emu = await startEmulator(V1);
  emu.injectFault({
    path: "/projects",
    kind: "json",
    body: [
      { id: 7, name: "seven", enabled: "yes", default: null, extra: 1 },
      { id: "bare", name: "bare" },
    ],
  });
  assert.deepEqual(await listProjects(session(emu), { domainId: STO2 }), [
    { id: "7", name: "seven", enabled: null, default: null, extra: 1 },
    { id: "bare", name: "bare" },
  ]);
});

Deno.test("listAllProjects() on v2 lists the caller's projects in one call, each with its regions and domain", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  const rows = await listAllProjects(session(emu));
  assert.deepEqual(
    rows.map((r) => [r.id, r.domainId, r.domainName, r.regions, r.enabled]),
    [
      ["79b0cef4p1", STO2, "CCP_Domain_43597", ["Sto2"], true],
      ["79b0cef4p2", STO2, "CCP_Domain_43597", ["Sto2"], true],
      ["08db589dp1", FRA1, "CCP_Domain_43597", ["Fra1"], true],
      ["08db589dp2", FRA1, "CCP_Domain_43597", ["Fra1"], true],
      ["a0181232p1", KNA1, "CCP_Domain_43597", ["Kna1"], true],
      ["a0181232p2", KNA1, "CCP_Domain_43597", ["Kna1"], false],
    ],
  );
  assert.ok(rows.every((r) => !("default" in r)), "v2 has no default flag");
  for (const row of rows) cleuraProjectRowSchema.parse(row);
  assert.equal(
    emu.counters.byRoute["GET /openstack/identity/v1/current-user/projects"],
    1,
  );
  assert.ok(
    Object.keys(emu.counters.byRoute).every((r) =>
      !r.includes("/accesscontrol/")
    ),
  );
});

Deno.test("listProjects() on v2 keeps one domain's projects, lists a project once across regions, and names an unknown domain", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  emu.injectFault({
    path: "/current-user/projects",
    kind: "json",
    body: [
      {
        region: { id: 2, name: "Stockholm", tag: "Sto2" },
        projects: [{ id: "p1", name: "one", domain_id: STO2, enabled: true }],
      },
      {
        region: { id: 3, name: "Karlskrona", tag: "Kna1" },
        projects: [
          { id: "p1", name: "one", domain_id: STO2, enabled: true },
          { id: "p9", name: "other", domain_id: KNA1, enabled: true },
        ],
      },
    ],
  });
  assert.deepEqual(await listProjects(session(emu), { domainId: STO2 }), [
    { id: "p1", name: "one", domain_id: STO2, enabled: true },
  ]);
  await rejection(
    listProjects(session(emu), { domainId: "nope" }),
    ConfigError,
    'Cannot list the projects of domain "nope": the account has no such domain',
  );
});
