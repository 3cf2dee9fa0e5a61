import assert from "node:assert/strict";
import {
  childEnv,
  exchange,
  LISTED_TOOL_NAMES,
  OPENING,
} from "./_helpers/mcp.ts";

Deno.test("the bundled MCP server (deno task build) answers initialize and lists the tools", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/mcp.js`;
    const build = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "deno",
        "--minify",
        "-o",
        out,
        new URL("../mcp/server.ts", import.meta.url).pathname,
      ],
      env: childEnv({}),
      clearEnv: true,
    }).output();
    assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const { code, messages: all } = await exchange(
      out,
      { ITOPIA_API_KEY: "k", ITOPIA_ORGANIZATION_ID: "1" },
      [
        ...OPENING,
        {
          jsonrpc: "2.0",
          id: 3,
          method: "tools/call",
          params: { name: "itopia_mint_jwt", arguments: {} },
        },
      ],
    );
    assert.equal(code, 0);
    // deno-lint-ignore no-explicit-any -- JSON-RPC answers, checked field by field below
    const messages = all.filter((m) => m.id !== undefined) as any[];
    assert.deepEqual(messages.map((m) => m.id), [1, 2, 3]);
    assert.equal(messages[1].result.tools.length, LISTED_TOOL_NAMES.length);
    assert.equal(messages[2].result.structuredContent.claims.organizationId, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
