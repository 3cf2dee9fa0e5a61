// For comparison in cold_start.ts: a plain MCP SDK server in Deno with one
// trivial tool, loaded the usual way (SDK stdio transport, everything eager).
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "plain", version: "0" }, {
  capabilities: { logging: {} },
});
server.registerTool("echo", {
  description: "Echo the text",
  inputSchema: { text: z.string() },
}, ({ text }) => ({ content: [{ type: "text", text }] }));
await server.connect(new StdioServerTransport());
