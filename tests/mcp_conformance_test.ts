import assert from "node:assert/strict";
import { jwtVerify } from "jose";
import { createToolContext } from "../mcp/context.ts";
import { createMcpServer } from "../mcp/create_server.ts";
import { serveHttp } from "../mcp/http.ts";
import { childEnv, SERVER } from "./mcp_helpers.ts";

const CONFORMANCE = "npm:@modelcontextprotocol/conformance@0.1.16";
const INSPECTOR = "npm:@modelcontextprotocol/inspector@2.12.0";
const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "logging-set-level",
  "dns-rebinding-protection",
];

async function run(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    env: childEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

Deno.test("the official MCP conformance scenarios pass against the HTTP server", async () => {
  await using http = await serveHttp({
    port: 0,
    context: (pages) => createToolContext({ env: {}, pages }),
    createServer: createMcpServer,
  });
  const url = `${http.url.replace("127.0.0.1", "localhost")}/mcp`;
  for (const scenario of SCENARIOS) {
    const result = await run([
      "run",
      "-A",
      CONFORMANCE,
      "server",
      "--url",
      url,
      "--scenario",
      scenario,
    ]);
    assert.equal(
      result.code,
      0,
      `${scenario}: ${result.stdout}${result.stderr}`,
    );
    assert.match(
      result.stdout,
      /Passed: (\d+)\/\1, 0 failed/,
      `${scenario}: ${result.stdout}`,
    );
  }
});

Deno.test("the MCP Inspector CLI lists the tools and mints a JWT", async () => {
  const denoDir = childEnv({}).DENO_DIR!;
  const server = [
    "-e",
    `DENO_DIR=${denoDir}`,
    "-e",
    "ITOPIA_API_KEY=inspector-key",
    "-e",
    "ITOPIA_ORGANIZATION_ID=42",
    Deno.execPath(),
    "run",
    "--allow-net=127.0.0.1",
    "--allow-env",
    SERVER,
  ];
  const list = await run([
    "run",
    "-A",
    INSPECTOR,
    "--cli",
    ...server,
    "--method",
    "tools/list",
  ]);
  assert.equal(list.code, 0, list.stderr);
  const names = (JSON.parse(list.stdout).tools as { name: string }[]).map((t) =>
    t.name
  );
  assert.ok(
    names.includes("itopia_mint_jwt") && names.includes("cleura_list_regions"),
  );
  const minted = await run([
    "run",
    "-A",
    INSPECTOR,
    "--cli",
    ...server,
    "--method",
    "tools/call",
    "--tool-name",
    "itopia_mint_jwt",
    "--tool-arg",
    "ttlSeconds=120",
  ]);
  assert.equal(minted.code, 0, minted.stderr);
  const { token } = JSON.parse(minted.stdout).structuredContent;
  const { payload } = await jwtVerify(
    token,
    new TextEncoder().encode("inspector-key"),
    {
      audience: "Itopia",
    },
  );
  assert.equal(payload.exp! - payload.iat!, 120);
});
