import assert from "node:assert/strict";
import { childEnv } from "./mcp_helpers.ts";

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
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", "--allow-env", out],
      env: childEnv({ ITOPIA_API_KEY: "k", ITOPIA_ORGANIZATION_ID: "1" }),
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(
      [
        {
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          },
        },
        { jsonrpc: "2.0", method: "notifications/initialized" },
        { jsonrpc: "2.0", id: 2, method: "tools/list" },
        {
          jsonrpc: "2.0",
          id: 3,
          method: "tools/call",
          params: { name: "itopia_mint_jwt", arguments: {} },
        },
      ].map((m) => JSON.stringify(m)).join("\n") + "\n",
    ));
    await writer.close();
    const { code, stdout } = await child.output();
    assert.equal(code, 0);
    const messages = new TextDecoder().decode(stdout).trim().split("\n")
      .map((l) => JSON.parse(l)).filter((m) => m.id !== undefined);
    assert.deepEqual(messages.map((m) => m.id), [1, 2, 3]);
    assert.equal(messages[1].result.tools.length, 6);
    assert.equal(messages[2].result.structuredContent.claims.organizationId, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
