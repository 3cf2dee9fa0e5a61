// Other MCP clients against the server: the v1 SDK client (2025 era only),
// mcp-remote as a stdio-to-HTTP proxy, and the v2 SDK client in every era
// over both transports calling every tool with the same results.

// The v1 SDK is imported by full specifier on purpose, so that the bare
// "@modelcontextprotocol/*" names stay the v2 SDK the server uses (it is
// pinned in tests/tools/deno.lock, never in the package's lock).
// deno-lint-ignore-file no-import-prefix
// Its package maps the types of "./*" to "./dist/esm/*.d.ts", so a ".js"
// subpath (which is what runs) finds no types ("stdio.js.d.ts"); each
// @ts-types names the subpath without ".js", whose .d.ts exists.

import assert from "node:assert/strict";
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/client"
import { Client as V1Client } from "npm:@modelcontextprotocol/sdk@1.32.2/client/index.js";
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/client/stdio"
import { StdioClientTransport as V1StdioTransport } from "npm:@modelcontextprotocol/sdk@1.32.2/client/stdio.js";
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/client/streamableHttp"
import { StreamableHTTPClientTransport as V1HttpTransport } from "npm:@modelcontextprotocol/sdk@1.32.2/client/streamableHttp.js";
// @ts-types="npm:@modelcontextprotocol/sdk@1.32.2/types"
import { ElicitRequestSchema } from "npm:@modelcontextprotocol/sdk@1.32.2/types.js";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { jwtVerify } from "jose";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import { accountEnv, ITOPIA_KEY } from "./_helpers/accounts.ts";
import { LISTED_TOOL_NAMES as TOOL_NAMES } from "./_helpers/mcp.ts";
import { MCP_REMOTE, toolArgs } from "./_helpers/tools.ts";
import {
  call,
  childEnv,
  type ElicitParams,
  ERAS,
  httpClient,
  serveMcp,
  SERVER,
  smsAnswer,
  stdioClient,
  test,
  type TestClient,
} from "./_helpers/mcp.ts";

/**
 * Checks a minted token against the key and the claims the tool returned,
 * and returns its lifetime.
 */
async function verifyMinted(
  structured: Record<string, unknown> | undefined,
  organizationId: number,
): Promise<number> {
  assert.ok(structured, "no structured result");
  const { token, expiresAt, claims } = structured as {
    token: string;
    expiresAt: string;
    claims: Record<string, unknown>;
  };
  const { payload } = await jwtVerify(
    token,
    new TextEncoder().encode(ITOPIA_KEY),
    { audience: "Itopia" },
  );
  assert.deepEqual(claims, payload);
  assert.equal(payload.organizationId, organizationId);
  assert.equal(expiresAt, new Date(payload.exp! * 1000).toISOString());
  return payload.exp! - payload.iat!;
}

// --- (a) the v1 SDK client (protocol 2025-11-25) ---------------------------

/** A v1 SDK client that answers the SMS question; records what it was asked. */
function v1Client(emu: Emulator): { client: V1Client; asked: string[] } {
  const client = new V1Client({ name: "cloudgate-v1-test", version: "1.0.0" }, {
    capabilities: { elicitation: { form: {} } },
  });
  const asked: string[] = [];
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked.push(request.params.message);
    return Promise.resolve({
      action: "accept" as const,
      content: { code: emu.lastSmsCode("bob")! },
    });
  });
  return { client, asked };
}

/** What every v1 test checks: the listing, a JWT, and regions after an SMS. */
async function exerciseV1(
  client: V1Client,
  asked: string[],
  emu: Emulator,
): Promise<void> {
  assert.equal(client.getServerVersion()?.name, "cloudgate");
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), TOOL_NAMES);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, "object", tool.name);
    assert.equal(tool.outputSchema?.type, "object", tool.name);
  }

  const minted = await client.callTool({
    name: "itopia_mint_jwt",
    arguments: { ttlSeconds: 300 },
  });
  assert.notEqual(minted.isError, true, JSON.stringify(minted.content));
  assert.equal(
    await verifyMinted(
      minted.structuredContent as Record<string, unknown>,
      42,
    ),
    300,
  );

  const regions = await client.callTool({ name: "cleura_list_regions" });
  assert.notEqual(regions.isError, true, JSON.stringify(regions.content));
  const rows = (regions.structuredContent as { regions: { region: string }[] })
    .regions;
  assert.equal(rows.length, 3);
  assert.equal(asked.length, 1);
  assert.match(asked[0]!, /SMS with a 6-digit code to the phone of "bob"/);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.cleuraLogins, 1);
}

test("the v1 SDK client lists tools, mints a JWT and answers the SMS question over stdio", async () => {
  await using emu = await startEmulator();
  const { client, asked } = v1Client(emu);
  await client.connect(
    new V1StdioTransport({
      command: Deno.execPath(),
      args: ["run", "--allow-net=127.0.0.1", "--allow-env", SERVER],
      env: childEnv(accountEnv(emu, "bob")),
      stderr: "ignore",
    }),
  );
  try {
    await exerciseV1(client, asked, emu);
  } finally {
    await client.close();
  }
});

Deno.test("the v1 SDK client lists tools, mints a JWT and answers the SMS question over HTTP", async () => {
  await using emu = await startEmulator();
  await using http = await serveMcp(accountEnv(emu, "bob"));
  const { client, asked } = v1Client(emu);
  const transport = new V1HttpTransport(new URL(`${http.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${http.token}` } },
  });
  await client.connect(transport);
  try {
    assert.equal(http.sessions(), 1, "a 2025 client gets a session");
    await exerciseV1(client, asked, emu);
  } finally {
    await transport.terminateSession();
    await client.close();
  }
  assert.equal(http.sessions(), 0);
});

// --- (b) mcp-remote in front of the HTTP server ----------------------------

Deno.test("GET /mcp without a session answers 405, so SSE-first clients fall back to Streamable HTTP", async () => {
  await using http = await serveMcp({});
  const response = await fetch(`${http.url}/mcp`, {
    headers: {
      accept: "text/event-stream",
      authorization: `Bearer ${http.token}`,
    },
  });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  const body = await response.json();
  assert.equal(body.jsonrpc, "2.0");
  assert.match(body.error.message, /Method not allowed/);
});

/**
 * mcp-remote's modes: `--protocol legacy` (its default) forwards the 2025
 * handshake, so the server opens a session; `--protocol auto` discovers that
 * the server speaks 2026-07-28, answers the local handshake itself and
 * bridges each input_required result to an elicitation of the local client.
 */
const REMOTE_PROTOCOLS = {
  // Two sessions: the proxied client's, and the one mcp-remote's own
  // connection probe ("mcp-remote-fallback-test") opens and never closes.
  legacy: { sessions: 2 },
  auto: { sessions: 0 },
} as const;

for (const strategy of ["http-first", "sse-first"] as const) {
  for (const protocol of ["legacy", "auto"] as const) {
    test(`mcp-remote (--transport ${strategy} --protocol ${protocol}) proxies stdio to the HTTP server: tools, a JWT, the SMS question`, async () => {
      await using emu = await startEmulator();
      await using http = await serveMcp(accountEnv(emu, "bob"));
      const configDir = await Deno.makeTempDir({
        prefix: "cloudgate-mcp-remote-",
      });
      const client = new Client({ name: "cloudgate-test", version: "1.0.0" }, {
        capabilities: { elicitation: { form: {} } },
      });
      let asked = 0;
      client.setRequestHandler("elicitation/create", (request) => {
        asked++;
        return smsAnswer(emu)(request.params as ElicitParams);
      });
      const transport = new StdioClientTransport({
        command: Deno.execPath(),
        args: toolArgs(
          MCP_REMOTE,
          `${http.url}/mcp`,
          "--header",
          `Authorization: Bearer ${http.token}`,
          "--transport",
          strategy,
          "--protocol",
          protocol,
        ),
        // mcp-remote keeps OAuth state in MCP_REMOTE_CONFIG_DIR (~/.mcp-auth).
        env: childEnv({ MCP_REMOTE_CONFIG_DIR: configDir, NO_COLOR: "1" }),
        stderr: "pipe",
      });
      let log = "";
      transport.stderr?.on("data", (chunk: Uint8Array) => {
        log += new TextDecoder().decode(chunk);
      });
      try {
        await client.connect(transport);
        assert.equal(client.getServerVersion()?.name, "cloudgate", log);
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name), TOOL_NAMES);
        const minted = await call(client, "itopia_mint_jwt", {
          ttlSeconds: 90,
        });
        assert.equal(minted.isError, false, minted.text);
        assert.equal(await verifyMinted(minted.structured, 42), 90);
        const regions = await call(client, "cleura_list_regions");
        assert.equal(regions.isError, false, regions.text);
        assert.equal((regions.structured?.regions as unknown[]).length, 3);
        assert.equal(asked, 1);
        assert.equal(emu.counters.smsSent, 1);
        assert.equal(http.sessions(), REMOTE_PROTOCOLS[protocol].sessions);
        assert.match(
          log,
          /Connected to remote server using StreamableHTTPClientTransport/,
        );
        if (strategy === "sse-first") {
          assert.match(log, /SSE error: Non-200 status code \(405\)/);
        }
        if (protocol === "auto") {
          assert.match(log, /Remote server speaks MCP 2026-07-28/);
        }
      } finally {
        await client.close();
        await Deno.remove(configDir, { recursive: true });
      }
    });
  }
}

// --- (c) every tool, every era, both transports -----------------------------

/** The calls made with every client, in order; later ones use earlier results. */
async function callEveryTool(
  t: TestClient,
): Promise<Record<string, Record<string, unknown>>> {
  const results: Record<string, Record<string, unknown>> = {};
  const run = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await call(t.client, name, args);
    assert.equal(result.isError, false, `${name}: ${result.text}`);
    assert.ok(result.structured, `${name}: no structured result`);
    assert.deepEqual(JSON.parse(result.text), result.structured, name);
    results[name] = result.structured;
    return result.structured;
  };
  const { regions } = await run("cleura_list_regions") as {
    regions: { domainId: string }[];
  };
  await run("cleura_list_domains");
  await run("cleura_list_projects", { domainId: regions[0]!.domainId });
  const cluster = { region: "sto2", projectId: "79b0cef4p1" };
  await run("cleura_list_shoots", cluster);
  await run("cleura_get_shoot", { ...cluster, name: "prod-cluster" });
  await run("cleura_token_status");
  await run("itopia_mint_jwt", { ttlSeconds: 600 });
  await run("itopia_list_instances", { deploymentId: 101, limit: 2 });
  assert.deepEqual(Object.keys(results).sort(), [...TOOL_NAMES].sort());
  return results;
}

test("every tool is listed and called alike by 2025 and 2026 clients over stdio and HTTP", async () => {
  await using emu = await startEmulator();
  const env = accountEnv(emu, "bob");
  await using http = await serveMcp(env);
  const runs: {
    label: string;
    tools: unknown;
    results: Record<string, Record<string, unknown>>;
    asked: number;
  }[] = [];
  for (const transport of ["stdio", "http"] as const) {
    for (const era of ERAS) {
      const label = `${transport}/${era}`;
      await using t = transport === "stdio"
        ? await stdioClient(env, smsAnswer(emu), { era })
        : await httpClient(http, smsAnswer(emu), { era });
      assert.equal(
        t.client.getNegotiatedProtocolVersion(),
        era === "legacy" ? "2025-11-25" : "2026-07-28",
        label,
      );
      const { tools } = await t.client.listTools();
      assert.deepEqual(tools.map((tool) => tool.name), TOOL_NAMES, label);
      const results = await callEveryTool(t);
      const minted = results.itopia_mint_jwt!;
      assert.equal(await verifyMinted(minted, 42), 600, label);
      // The token, its iat/exp and expiresAt change with every mint.
      results.itopia_mint_jwt = {
        ...minted,
        token: "<verified>",
        expiresAt: "<verified>",
        claims: {
          ...minted.claims as Record<string, unknown>,
          iat: "<verified>",
          exp: "<verified>",
        },
      };
      runs.push({ label, tools, results, asked: t.elicitations.length });
    }
  }
  const [first, ...rest] = runs;
  for (const other of rest) {
    assert.deepEqual(other.tools, first!.tools, `tools/list: ${other.label}`);
    assert.deepEqual(other.results, first!.results, other.label);
  }
  assert.equal(
    (first!.results.cleura_token_status as { valid: boolean }).valid,
    true,
  );
  assert.equal(
    (first!.results.itopia_list_instances as { total: number }).total,
    5,
  );
  // Each stdio client is its own server process: its own login and SMS. The
  // HTTP clients share one server, so only the first one is asked.
  assert.deepEqual(
    runs.map((r) => `${r.label}:${r.asked}`),
    [
      "stdio/legacy:1",
      "stdio/auto:1",
      "stdio/pin:1",
      "http/legacy:1",
      "http/auto:0",
      "http/pin:0",
    ],
  );
  assert.equal(emu.counters.smsSent, 4);
  assert.equal(emu.counters.cleuraLogins, 4);
});
