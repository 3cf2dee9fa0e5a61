// What the stdio server loads, read from Deno's debug log of the module
// loader: the opening is answered through the SDK, and loads no js-yaml when
// no Cleura CLI config file exists. No timings here: those are in bench/.

import assert from "node:assert/strict";
import { loadedBy } from "./_helpers/loaded.ts";

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

Deno.test("the stdio server answers the opening through the SDK", async () => {
  const run = await loadedBy("mcp/server.ts", [], {
    stdin: lines(OPENING),
    env: NO_CONFIG,
  });
  assert.equal(run.code, 0);
  assert.deepEqual(ids(run.stdout), [0, 1]);
  assert.ok(run.npm.includes("@modelcontextprotocol/server"), run.npm.join());
  assert.ok(!run.npm.includes("js-yaml"), run.npm.join());
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
