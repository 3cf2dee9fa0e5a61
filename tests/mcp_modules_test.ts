// What the stdio server loads, read from Deno's debug log of the module
// loader: answering the opening (initialize and tools/list; server/discover
// and tools/list) loads no npm package, of node: only util and no tool or API
// code; the first tool call loads the SDK and the tools. No timings here:
// those are in bench/cold_start.ts.

import assert from "node:assert/strict";
import { loadedBy } from "./_helpers/loaded.ts";
import {
  ENVELOPE,
  initializeRequest,
  MODERN_OPENING,
} from "../scripts/catalog.ts";

const OPENINGS = {
  "2025": [
    initializeRequest(0, "2025-11-25"),
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 1, method: "tools/list" },
  ],
  "2026": MODERN_OPENING,
};

const lines = (messages: readonly unknown[]) =>
  messages.map((m) => `${JSON.stringify(m)}\n`).join("");

const ids = (stdout: string) =>
  stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).id)
    .filter((id) => id !== undefined);

const TOOL_CODE =
  /^(lib\/(cleura|itopia)\/(?!profile(_env)?\.ts)|mcp\/tools\/|mcp\/(create_server|context|tool|stdio_server)\.ts$)/;

for (const [era, opening] of Object.entries(OPENINGS)) {
  Deno.test(`the stdio server answers the ${era} opening without loading the SDK, zod, node: modules but util, or any tool`, async () => {
    const run = await loadedBy("mcp/server.ts", [], { stdin: lines(opening) });
    assert.equal(run.code, 0);
    assert.deepEqual(ids(run.stdout), [0, 1]);
    assert.deepEqual(run.npm, []);
    assert.deepEqual(run.node, ["util"]); // lib/flags.ts: parseArgs
    assert.deepEqual(run.own.filter((m) => TOOL_CODE.test(m)), []);
  });

  Deno.test(`the first ${era} tool call loads the SDK and the tools, and is answered`, async () => {
    const call = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: {
        name: "itopia_mint_jwt",
        arguments: {},
        ...(era === "2026" ? { _meta: ENVELOPE } : {}),
      },
    };
    const run = await loadedBy("mcp/server.ts", [], {
      stdin: lines([...opening, call]),
      env: {
        ITOPIA_API_KEY: "test-api-key-0123456789abcdef0123456789",
        ITOPIA_ORGANIZATION_ID: "42",
      },
    });
    assert.equal(run.code, 0);
    assert.deepEqual(ids(run.stdout), [0, 1, 2]);
    assert.ok(run.npm.includes("@modelcontextprotocol/server"), run.npm.join());
    assert.ok(run.own.includes("mcp/tools/itopia.ts"));
  });
}
