// What the stdio server loads, read from Deno's debug log of the module
// loader: the opening is answered through the SDK, and loads no js-yaml when
// no Cleura CLI config file exists; the first tools/list is answered from the
// tools' declarations alone (no tool's code, no API, no login machinery, no
// jose), and a call loads its own API only. No timings here: those are in
// bench/.

import assert from "node:assert/strict";
import { loadedBy } from "./_helpers/loaded.ts";
import { TOOLS } from "../mcp/tools/mod.ts";

const OPENING = [
  {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "modules-test", version: "1" },
    },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 1, method: "tools/list" },
];

const lines = (messages: readonly unknown[]) =>
  messages.map((m) => `${JSON.stringify(m)}\n`).join("");

const ids = (stdout: string) =>
  stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).id)
    .filter((id) => id !== undefined);

const NO_CONFIG = { CLEURA_CONFIG: "/nonexistent/cleura/config.yaml" };

/** What a tool's call needs, none of it loaded to answer `tools/list`. */
const TOOL_CODE = [
  "lib/http.ts",
  "lib/token_cache.ts",
  "lib/login_lock.ts",
  "lib/cleura/session.ts",
  "lib/cleura/auth.ts",
  "lib/cleura/gardener.ts",
  "lib/itopia/auth.ts",
  "lib/itopia/jwt.ts",
  "mcp/cleura_login.ts",
  "mcp/confirm.ts",
  "mcp/tools/cleura_run.ts",
  "mcp/tools/gardener_run.ts",
  "mcp/tools/itopia_run.ts",
  "mcp/http.ts",
];

Deno.test("the stdio server answers the opening through the SDK", async () => {
  const run = await loadedBy("mcp/server.ts", ["--writes"], {
    stdin: lines(OPENING),
    env: NO_CONFIG,
  });
  assert.equal(run.code, 0);
  assert.deepEqual(ids(run.stdout), [0, 1]);
  assert.ok(run.npm.includes("@modelcontextprotocol/server"), run.npm.join());
  assert.ok(!run.npm.includes("js-yaml"), run.npm.join());
  // Every tool listed, from its declaration alone.
  const listed = JSON.parse(run.stdout.split("\n")[1]!).result.tools;
  assert.deepEqual(
    listed.map((t: { name: string }) => t.name),
    TOOLS.map((t) => t.name),
  );
  assert.deepEqual(
    run.own.filter((m) => TOOL_CODE.includes(m)),
    [],
    "loaded before the first tools/list answer",
  );
  assert.ok(!run.npm.includes("jose"), run.npm.join());
});

Deno.test("a tool's first call loads its code and its own API only", async () => {
  const call = (id: number, name: string, args: Record<string, unknown>) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args },
  });
  const run = await loadedBy("mcp/server.ts", [], {
    stdin: lines([
      ...OPENING,
      call(2, "itopia_mint_jwt", { organizationId: 42, ttlSeconds: 600 }),
    ]),
    env: { ...NO_CONFIG, ITOPIA_API_KEY: "modules-test-key" },
  });
  assert.equal(run.code, 0);
  assert.deepEqual(ids(run.stdout), [0, 1, 2]);
  const answer = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  assert.equal(answer.result.isError, undefined, JSON.stringify(answer));
  assert.equal(answer.result.structuredContent.claims.organizationId, 42);
  assert.ok(run.own.includes("mcp/tools/itopia_run.ts"), run.own.join());
  assert.ok(run.npm.includes("jose"), run.npm.join());
  // No Cleura code for an itopia tool.
  assert.deepEqual(
    run.own.filter((m) =>
      m.startsWith("lib/cleura/session") || m === "mcp/tools/cleura_run.ts" ||
      m === "mcp/cleura_login.ts"
    ),
    [],
  );
});

Deno.test("a Cleura call without configuration is a tool error naming the variable", async () => {
  const run = await loadedBy("mcp/server.ts", [], {
    stdin: lines([
      ...OPENING,
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "cleura_list_regions", arguments: {} },
      },
    ]),
    env: NO_CONFIG,
  });
  assert.equal(run.code, 0);
  assert.deepEqual(ids(run.stdout), [0, 1, 2]);
  const answer = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
  assert.equal(answer.result.isError, true);
  assert.match(answer.result.content[0].text, /CLEURA_/);
  assert.ok(run.own.includes("mcp/tools/cleura_run.ts"), run.own.join());
  assert.ok(run.own.includes("lib/cleura/session.ts"), run.own.join());
  assert.ok(!run.npm.includes("jose"), run.npm.join());
});

Deno.test("a Cleura-only server lists its tools without loading js-yaml", async () => {
  const run = await loadedBy("mcp/server.ts", ["--toolsets", "cleura"], {
    stdin: lines(OPENING),
    env: NO_CONFIG,
  });
  assert.equal(run.code, 0);
  assert.deepEqual(ids(run.stdout), [0, 1]);
  assert.ok(!run.npm.includes("js-yaml"), run.npm.join());
});
