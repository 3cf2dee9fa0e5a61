/**
 * `mcp/catalog.json`: what the server answers to the opening of a connection
 * (`initialize`, `server/discover`, `tools/list` in both eras, `ping`),
 * recorded from the SDK server itself with every tool registered. The fast
 * start (`mcp/fast_start.ts`) answers those requests from this file without
 * loading the SDK, zod or the API code. `deno task catalog` writes it;
 * `tests/mcp_fast_start_test.ts` fails when it is out of date.
 *
 * @module
 */

import {
  type JSONRPCMessage,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { createToolContext } from "../mcp/context.ts";
import { createMcpServer } from "../mcp/create_server.ts";
import { DenoStdioTransport } from "../mcp/stdio.ts";
import type { Catalog, CatalogTool } from "../mcp/fast_start.ts";
import { selectTools } from "../mcp/tool.ts";
import { TOOLS } from "../mcp/tools/mod.ts";

const MODERN = "2026-07-28";

/** The `_meta` envelope of a 2026-07-28 request. */
export const ENVELOPE = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "catalog", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
} as const;

/** A 2026-07-28 opening: `server/discover` (id 0), then `tools/list` (id 1). */
export const MODERN_OPENING: readonly JSONRPCMessage[] = [
  {
    jsonrpc: "2.0",
    id: 0,
    method: "server/discover",
    params: { _meta: ENVELOPE },
  },
  { jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: ENVELOPE } },
];

/** A 2025 `initialize` request asking for `version`. */
export function initializeRequest(
  id: number | string,
  version: string,
): JSONRPCMessage {
  return {
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      protocolVersion: version,
      capabilities: {},
      clientInfo: { name: "catalog", version: "1" },
    },
  };
}

/**
 * A stdio transport over an in-memory stdin holding `messages` (then its
 * end), and what was written to its stdout.
 *
 * @param messages What the client sends, in order.
 * @returns The transport (not started) and a reader of its answers.
 */
export function memoryStdio(messages: readonly JSONRPCMessage[]): {
  transport: DenoStdioTransport;
  answers(): Record<string, unknown>[];
} {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(
        new TextEncoder().encode(
          messages.map((m) => `${JSON.stringify(m)}\n`).join(""),
        ),
      );
      controller.close();
    },
  });
  let written = "";
  const transport = new DenoStdioTransport(input, {
    write(bytes) {
      written += new TextDecoder().decode(bytes);
      return Promise.resolve(bytes.length);
    },
  });
  return {
    transport,
    answers: () =>
      written.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l)),
  };
}

/**
 * Runs one connection of the SDK server over an in-memory stdio and returns
 * its answers, in the order written.
 *
 * @param messages What the client sends, in order.
 * @param selection The tools to register (default every tool).
 * @returns Every line the server wrote, parsed.
 */
export async function sdkAnswers(
  messages: readonly JSONRPCMessage[],
  selection: Parameters<typeof selectTools>[1] = { allowWrite: true },
): Promise<Record<string, unknown>[]> {
  const { transport, answers } = memoryStdio(messages);
  const ctx = createToolContext({ env: {} });
  const handle = serveStdio(
    () => createMcpServer(ctx, selectTools(TOOLS, selection)),
    { transport, onerror: () => {} },
  );
  await transport.closed;
  await handle.close();
  await ctx.pages.closeAll();
  return answers();
}

function resultOf(
  answers: Record<string, unknown>[],
  id: number | string,
): Record<string, unknown> {
  const answer = answers.find((a) => a.id === id);
  if (!answer || typeof answer.result !== "object" || answer.result === null) {
    throw new Error(`no result for request ${id}: ${JSON.stringify(answers)}`);
  }
  return answer.result as Record<string, unknown>;
}

/**
 * Builds the catalog from the SDK server's own answers.
 *
 * @returns The catalog `mcp/catalog.json` holds.
 */
export async function buildCatalog(): Promise<Catalog> {
  // Which 2025-era versions `initialize` echoes, and what it answers to one
  // it does not know.
  const versions: string[] = [];
  for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
    const [answer] = await sdkAnswers([initializeRequest(0, version)]);
    const echoed = (answer?.result as { protocolVersion?: string } | undefined)
      ?.protocolVersion;
    if (echoed === version) versions.push(version);
  }
  const [unknown] = await sdkAnswers([initializeRequest(0, "0000-00-00")]);
  const fallback = (unknown?.result as { protocolVersion?: string } | undefined)
    ?.protocolVersion;
  if (!fallback) throw new Error("initialize answered no protocolVersion");

  const opened = await sdkAnswers([
    initializeRequest(0, versions[0] ?? fallback),
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 1, method: "tools/list" },
    { jsonrpc: "2.0", id: 2, method: "ping" },
  ]);
  const { protocolVersion: _, ...initialize } = resultOf(opened, 0);
  const legacyList = resultOf(opened, 1);
  const modern = await sdkAnswers(MODERN_OPENING);
  const modernList = resultOf(modern, 1);
  const listed = legacyList.tools as Record<string, unknown>[];
  const all = selectTools(TOOLS, { allowWrite: true });
  if (listed.length !== all.length) {
    throw new Error(
      `tools/list listed ${listed.length} of ${all.length} tools`,
    );
  }
  const tools: CatalogTool[] = all.map((tool, i) => ({
    toolset: tool.toolset,
    ...(tool.write ? { write: true } : {}),
    listing: listed[i]!,
  }));
  return {
    legacy: {
      versions,
      fallback,
      initialize,
      toolsList: { ...legacyList, tools: [] },
      ping: resultOf(opened, 2),
    },
    modern: {
      version: MODERN,
      discover: resultOf(modern, 0),
      toolsList: { ...modernList, tools: [] },
    },
    tools,
  };
}

/** The catalog as `mcp/catalog.json` holds it (formatted, one newline). */
export async function catalogText(): Promise<string> {
  return `${JSON.stringify(await buildCatalog(), null, 2)}\n`;
}

if (import.meta.main) {
  const path = new URL("../mcp/catalog.json", import.meta.url);
  await Deno.writeTextFile(path, await catalogText());
  console.log(`wrote ${path.pathname}`);
}
