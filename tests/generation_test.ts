// Choosing the Cleura API generation: `auto` on a v1-only API costs one
// password post and one SMS per login, reads then go to v1 paths alone, the
// choice is kept with the cached token for the next process, a token from the
// environment settles it with one validation, and --debug names it.

import assert from "node:assert/strict";
import { cleuraEnv, creds } from "./_helpers/accounts.ts";
import { cliArgs, runMain } from "./_helpers/cli.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import { call, childEnv, memoryClient } from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";
import { listRegions } from "../lib/cleura/api.ts";
import { getShoot, listShoots } from "../lib/cleura/gardener.ts";
import { CleuraSession } from "../lib/cleura/session.ts";
import { TokenCache } from "../lib/token_cache.ts";

/** The routes the emulator answered, those of one generation's prefix. */
function routes(emu: Emulator, part: string): string[] {
  return Object.keys(emu.counters.byRoute).filter((r) => r.includes(part))
    .sort();
}

/** Runs the CLI as a child, with the cache folder `cache`. */
async function child(
  emu: Emulator,
  cache: string,
  args: string[],
  env: Record<string, string>,
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(cache, args),
    env: childEnv({
      CLEURA_API_URL: emu.cleuraUrl,
      XDG_CACHE_HOME: cache,
      NO_COLOR: "1",
      ...env,
    }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("auto on a v1-only API: one password post and one SMS per login, reads on v1 paths, and --debug says v1", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  await using dir = await tempDir();
  const run = await runMain(
    ["cleura", "regions", "--debug"],
    cleuraEnv(emu, "bob"),
    {
      cacheDir: dir.path,
      stdin: () => [String(emu.lastSmsCode("bob"))],
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Sto2 +Stockholm \/ Sweden +active/);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.smsSent, 1);
  // v2 was asked once, answered 404 (nothing was done), and never again.
  assert.deepEqual(routes(emu, "/v2/"), ["POST /auth/v2/tokens"]);
  assert.equal(emu.counters.byRoute["POST /auth/v2/tokens"], 1);
  assert.equal(emu.counters.byRoute["POST /auth/v1/tokens"], 1);
  assert.equal(
    emu.counters.byRoute["GET /accesscontrol/v1/openstack/domains"],
    1,
  );
  assert.ok(
    run.errLines.includes(
      `debug: the Cleura API at ${emu.cleuraUrl} speaks v1`,
    ),
    run.stderr,
  );
});

Deno.test("the generation is kept with the cached token: the next process asks v2 nothing", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  await using dir = await tempDir();
  const env = cleuraEnv(emu, "alice");
  const first = await child(emu, dir.path, ["cleura", "regions"], env);
  assert.equal(first.code, 0, first.stderr);
  const before = { ...emu.counters.byRoute };
  const second = await child(
    emu,
    dir.path,
    ["cleura", "domains", "--debug"],
    env,
  );
  assert.equal(second.code, 0, second.stderr);
  const asked = Object.entries(emu.counters.byRoute)
    .filter(([route, n]) => n !== (before[route] ?? 0))
    .map(([route]) => route);
  assert.deepEqual(asked, ["GET /accesscontrol/v1/openstack/domains"]);
  assert.match(second.stderr, /debug: the Cleura API at \S+ speaks v1/);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
});

Deno.test("a token from the environment settles the generation with one validation, then reads go there", async () => {
  for (const generation of ["v1", "v2"] as const) {
    await using emu = await startEmulator({ cleuraGenerations: [generation] });
    const session = new CleuraSession({
      apiUrl: emu.cleuraUrl,
      login: "alice",
      token: emu.issueCleuraToken("alice"),
    });
    const regions = await listRegions(session);
    assert.equal(regions.length, 3, generation);
    const shoots = await listShoots(session, {
      region: "sto2",
      projectId: "79b0cef4p1",
    });
    assert.deepEqual(
      shoots.map((s) => s.metadata.name),
      ["prod-cluster", "dev-cluster"],
    );
    assert.equal(await session.generation(), generation);
    const validations = routes(emu, "/tokens/validate");
    assert.deepEqual(
      validations,
      generation === "v2"
        ? ["POST /auth/v2/tokens/validate"]
        : ["POST /auth/v1/tokens/validate", "POST /auth/v2/tokens/validate"],
    );
    assert.ok(
      validations.every((r) => emu.counters.byRoute[r] === 1),
      JSON.stringify(emu.counters.byRoute),
    );
    assert.equal(emu.counters.cleuraPasswordPosts, 0);
  }
});

Deno.test("a call one generation lacks names the generation the API speaks", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const session = new CleuraSession({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
    apiVersion: "v1",
  });
  await assert.rejects(
    session.request({
      step: "read the current user",
      v2: { path: "identity/v2/current-user" },
    }),
    {
      name: "ConfigError",
      message:
        `Cannot read the current user: the Cleura API at "${emu.cleuraUrl}" speaks v1, which has no such call (CLEURA_API_VERSION is "v1")`,
    },
  );
  assert.equal(emu.counters.requests, 0);
});

Deno.test("a pinned v2 on a two-generation API never touches a v1 path, for every read and the kubeconfig", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1", "v2"] });
  await using dir = await tempDir();
  const env = { ...cleuraEnv(emu, "alice"), CLEURA_API_VERSION: "v2" };
  const where = ["--region", "sto2", "--project-id", "79b0cef4p1"];
  for (
    const args of [
      ["cleura", "regions"],
      ["cleura", "domains"],
      ["cleura", "projects"],
      ["cleura", "shoot", "list", ...where],
      ["cleura", "shoot", "get", "prod-cluster", ...where],
      ["cleura", "shoot", "kubeconfig", "prod-cluster", ...where],
      ["cleura", "shoot", "hibernate", "prod-cluster", ...where, "--yes"],
      ["cleura", "logout"],
    ]
  ) {
    const run = await runMain(args, env, { cacheDir: dir.path });
    assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
    if (args[2] === "kubeconfig") assert.match(run.stdout, /^kind: Config$/m);
  }
  assert.deepEqual(
    routes(emu, "/v1/").filter((r) => !r.includes("current-user")),
    [],
  );
  assert.equal(emu.counters.kubeconfigsIssued, 1);
  assert.equal(emu.counters.shootHibernations, 1);
  assert.equal(
    emu.counters.byRoute[
      "PATCH /gardener/v2/public/shoots/sto2/79b0cef4p1/prod-cluster/hibernate"
    ],
    1,
  );
});

Deno.test("whoami and cleura_token_status say whose token it is on v2, and nobody on v1", async () => {
  for (const generation of ["v2", "v1"] as const) {
    await using emu = await startEmulator({ cleuraGenerations: [generation] });
    await using dir = await tempDir();
    const env = {
      CLEURA_API_URL: emu.cleuraUrl,
      CLEURA_API_USERNAME: "alice",
      CLEURA_API_TOKEN: emu.issueCleuraToken("alice"),
    };
    const table = await runMain(["cleura", "whoami"], env, {
      cacheDir: dir.path,
    });
    assert.equal(table.code, 0, table.stderr);
    assert.equal(
      table.stdout,
      `"alice" at ${emu.cleuraUrl}: the token is valid${
        generation === "v2" ? ' (account 1000, "alice", admin)' : ""
      }`,
    );
    const json = await runMain(["cleura", "whoami", "-o", "json"], env, {
      cacheDir: dir.path,
    });
    assert.deepEqual(JSON.parse(json.stdout), {
      login: "alice",
      apiUrl: emu.cleuraUrl,
      valid: true,
      user: generation === "v2"
        ? { id: "1000", name: "alice", admin: true }
        : null,
    });
    assert.equal(
      emu.counters.byRoute["GET /identity/v2/current-user"] ?? 0,
      generation === "v2" ? 2 : 0,
    );
    await using mcp = await memoryClient(env);
    const status = await call(mcp.client, "cleura_token_status", {});
    assert.equal(status.isError, false, status.text);
    assert.deepEqual(
      (status.structured as { user: unknown }).user,
      generation === "v2" ? { id: "1000", name: "alice", admin: true } : null,
    );
  }
});

Deno.test("concurrent calls with a token from elsewhere share one settling validation", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1"] });
  const session = new CleuraSession({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
  });
  await Promise.all(Array.from({ length: 8 }, () => listRegions(session)));
  assert.deepEqual(routes(emu, "/tokens/validate"), [
    "POST /auth/v1/tokens/validate",
    "POST /auth/v2/tokens/validate",
  ]);
  for (const route of routes(emu, "/tokens/validate")) {
    assert.equal(emu.counters.byRoute[route], 1, route);
  }
  assert.equal(
    emu.counters.byRoute["GET /accesscontrol/v1/openstack/domains"],
    8,
  );
});

Deno.test("a cached token's generation is a hint: an API that no longer speaks it is asked once, and the read goes where it answers", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  await using dir = await tempDir();
  const cache = new TokenCache({ dir: dir.path });
  await cache.set({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
    generation: "v1",
  });
  const session = new CleuraSession({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    cache,
  });
  const shoot = await getShoot(session, {
    region: "sto2",
    projectId: "79b0cef4p1",
    name: "prod-cluster",
  });
  assert.equal(shoot.metadata.name, "prod-cluster");
  assert.equal((await listRegions(session)).length, 3);
  assert.equal(await session.generation(), "v2");
  // The v1 path was tried once (404: no such route), then the validation.
  assert.equal(
    emu.counters.byRoute[
      "GET /gardener/v1/public/shoot/sto2/79b0cef4p1/prod-cluster"
    ],
    1,
  );
  assert.deepEqual(routes(emu, "/tokens/validate"), [
    "POST /auth/v2/tokens/validate",
  ]);
});

Deno.test("the token cache keeps the generation that gave the token: the two-step login, --profile, and a pinned relogin", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v1", "v2"] });
  await using dir = await tempDir();
  const env = { ...cleuraEnv(emu, "bob"), CLEURA_API_VERSION: "v1" };
  const send = await runMain(["cleura", "login", "--send-code"], env, {
    cacheDir: dir.path,
  });
  assert.equal(send.code, 0, send.stderr);
  const verify = await runMain(["cleura", "login", "--verify"], {
    ...env,
    CLEURA_VERIFICATION: send.stdout.trim(),
  }, { cacheDir: dir.path, stdin: () => [String(emu.lastSmsCode("bob"))] });
  assert.equal(verify.code, 0, verify.stderr);
  const cache = new TokenCache({ dir: dir.path });
  const bob = await cache.get({ apiUrl: emu.cleuraUrl, login: "bob" });
  assert.equal(bob?.generation, "v1");
  // A pinned v2 relogin over an old v1 entry saves v2.
  await cache.set({
    apiUrl: emu.cleuraUrl,
    login: "alice",
    token: "revoked-long-ago",
    generation: "v1",
  });
  const pinned = new CleuraSession({
    ...creds(emu, "alice"),
    cache,
    apiVersion: "v2",
  });
  await listRegions(pinned);
  const alice = await cache.get({ apiUrl: emu.cleuraUrl, login: "alice" });
  assert.equal(alice?.generation, "v2");
  assert.equal(emu.counters.byRoute["POST /auth/v1/tokens"], 1); // bob's only
});

Deno.test("whoami stays a yes-or-no on the token when the API will not say whose it is", async () => {
  await using emu = await startEmulator({ cleuraGenerations: ["v2"] });
  await using dir = await tempDir();
  emu.injectFault({
    path: "/identity/v2/current-user",
    kind: "status",
    status: 403,
    message: "No access: Your user does not have access to this method.",
  });
  const run = await runMain(["cleura", "whoami", "-o", "json"], {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_TOKEN: emu.issueCleuraToken("alice"),
  }, { cacheDir: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).user, null);
  assert.deepEqual(run.errLines, [
    "warning: Cannot read who the token belongs to: the server answered 403: No access: Your user does not have access to this method.",
  ]);
});
