// For comparison in http_load.ts: a plain MCP SDK v2 server in Deno served
// over Streamable HTTP by the SDK's own `createMcpHandler` (its defaults: a
// fresh `McpServer` per request, 2025 traffic stateless), with one tool that
// does the work of cloudgate's `itopia_mint_jwt`: an HS256 JWT minted with
// jose from ITOPIA_API_KEY (the HMAC key imported once and kept), the same
// claims, returned as text and structured content under an output schema.
// No bearer token, no Host or Origin check: the SDK alone.
//
//   deno run --allow-net=127.0.0.1 --allow-env bench/plain_sdk_http_server.ts
//
// It listens on 127.0.0.1, a free port, and prints
// `listening on http://127.0.0.1:PORT/mcp` on stderr.
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { SignJWT } from "jose";
import { z } from "zod";

const apiKey = Deno.env.get("ITOPIA_API_KEY") ?? "plain-bench-key";
const organizationId = Number(Deno.env.get("ITOPIA_ORGANIZATION_ID") ?? 42);
let key: Promise<CryptoKey> | undefined;
const hmacKey = () =>
  key ??= crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(apiKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );

function createServer(): McpServer {
  const server = new McpServer({ name: "plain-http", version: "0" });
  server.registerTool("itopia_mint_jwt", {
    description: "Mint an HS256 JWT",
    inputSchema: z.object({
      organizationId: z.number().int().positive().optional(),
      ttlSeconds: z.number().int().min(60).max(3600).optional(),
    }),
    outputSchema: z.object({
      token: z.string(),
      expiresAt: z.string(),
      claims: z.object({
        aud: z.literal("Itopia"),
        iat: z.number().int(),
        exp: z.number().int(),
        organizationId: z.number().int(),
      }),
    }),
  }, async ({ organizationId: org, ttlSeconds }) => {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      aud: "Itopia" as const,
      iat,
      exp: iat + (ttlSeconds ?? 900),
      organizationId: org ?? organizationId,
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(await hmacKey());
    const result = {
      token,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      claims,
    };
    return {
      content: [{ type: "text", text: JSON.stringify(result) }],
      structuredContent: result,
    };
  });
  return server;
}

const handler = createMcpHandler(createServer);
const http = Deno.serve(
  {
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) =>
      console.error(`listening on http://127.0.0.1:${port}/mcp`),
  },
  (request) =>
    new URL(request.url).pathname === "/mcp"
      ? handler.fetch(request)
      : new Response("Not Found", { status: 404 }),
);
Deno.addSignalListener("SIGTERM", () => {
  http.shutdown();
  Deno.exit(0);
});
