// For comparison in cold_start.ts and idle_rss.ts: a plain MCP SDK v2 server
// in Deno with one trivial tool, loaded the usual way (`serveStdio` with the
// SDK's own stdio transport, everything eager), serving both protocol eras
// with its default setup (2026-07-28 `server/discover` and envelope requests
// included).
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

serveStdio(() => {
  const server = new McpServer({ name: "plain", version: "0" }, {
    capabilities: { logging: {} },
  });
  server.registerTool("echo", {
    description: "Echo the text",
    inputSchema: z.object({ text: z.string() }),
  }, ({ text }) => ({ content: [{ type: "text", text }] }));
  return server;
});
