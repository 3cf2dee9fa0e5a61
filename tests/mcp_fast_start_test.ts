import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/types"
import { SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createToolContext } from "../mcp/context.ts";
import { createMcpServer } from "../mcp/create_server.ts";
import {
  initializeAnswer,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "../mcp/protocol.ts";
import { EarlyStdioTransport } from "../mcp/stdio.ts";
import { exchange, SERVER } from "./mcp_helpers.ts";

function initialize(id: number, protocolVersion: string) {
  return {
    jsonrpc: "2.0" as const,
    id,
    method: "initialize",
    params: {
      protocolVersion,
      capabilities: { elicitation: { form: {} } },
      clientInfo: { name: "test", version: "1" },
    },
  };
}

Deno.test("the early initialize answer supports the SDK's protocol versions", () => {
  assert.deepEqual(SUPPORTED_PROTOCOL_VERSIONS, SDK_VERSIONS);
});

Deno.test("the early initialize answer equals the SDK server's, for every version", async () => {
  for (const version of [...SDK_VERSIONS, "1999-01-01"]) {
    const server = createMcpServer(createToolContext({ env: {} }));
    const [client, serverSide] = InMemoryTransport.createLinkedPair();
    const answer = Promise.withResolvers<unknown>();
    client.onmessage = (message) => answer.resolve(message);
    await server.connect(serverSide);
    await client.start();
    await client.send(initialize(7, version));
    assert.deepEqual(
      initializeAnswer(initialize(7, version)),
      await answer.promise,
      version,
    );
    await server.close();
  }
});

Deno.test("the early initialize answer is only for a well-formed initialize", () => {
  assert.equal(
    initializeAnswer({ jsonrpc: "2.0", id: 1, method: "ping" }),
    undefined,
  );
  assert.equal(
    initializeAnswer({ jsonrpc: "2.0", id: 1, method: "initialize" }),
    undefined,
  );
  assert.equal(
    initializeAnswer({ ...initialize(1, "2025-11-25"), jsonrpc: "1.0" }),
    undefined,
  );
  assert.equal(initializeAnswer("initialize"), undefined);
});

function pipe() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const input = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
  });
  const written: unknown[] = [];
  const output = {
    write(bytes: Uint8Array) {
      for (const line of new TextDecoder().decode(bytes).split("\n")) {
        if (line) written.push(JSON.parse(line));
      }
      return Promise.resolve(bytes.length);
    },
  };
  return {
    input,
    output,
    written,
    send: (value: unknown) =>
      controller.enqueue(
        encoder.encode(
          `${typeof value === "string" ? value : JSON.stringify(value)}\n`,
        ),
      ),
    end: () => controller.close(),
  };
}

Deno.test("EarlyStdioTransport answers initialize at once and hands every message over in order", async () => {
  const p = pipe();
  const transport = new EarlyStdioTransport(p.input, p.output);
  const errors: Error[] = [];
  transport.onerror = (e) => errors.push(e);
  p.send(initialize(1, "2025-11-25"));
  p.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  p.send("{not json");
  p.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  await transport.firstMessage;
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(p.written.length, 1);
  assert.equal((p.written[0] as { id: number }).id, 1);
  const delivered: unknown[] = [];
  transport.onmessage = (m) => delivered.push(m);
  await transport.start();
  assert.deepEqual(delivered.map((m) => (m as { method: string }).method), [
    "initialize",
    "notifications/initialized",
    "tools/list",
  ]);
  assert.equal(errors.length, 1, "the malformed line is reported, not fatal");
  await transport.send({ jsonrpc: "2.0", id: 1, result: {} });
  await transport.send({ jsonrpc: "2.0", id: 2, result: { tools: [] } });
  assert.deepEqual(p.written.map((m) => (m as { id: number }).id), [1, 2]);
  const closed = Promise.withResolvers<void>();
  transport.onclose = () => closed.resolve();
  p.end();
  await closed.promise;
});

Deno.test("EarlyStdioTransport leaves a first message other than initialize to the SDK", async () => {
  const p = pipe();
  const transport = new EarlyStdioTransport(p.input, p.output);
  p.send({ jsonrpc: "2.0", id: 1, method: "ping" });
  await transport.firstMessage;
  assert.equal(p.written.length, 0);
  p.end();
  await transport.start();
  await transport.close();
});

Deno.test("the stdio server answers initialize once, then lists tools", async () => {
  const { code, messages } = await exchange(SERVER, {}, [
    initialize(1, "2025-06-18"),
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/list" },
  ]);
  assert.equal(code, 0);
  const answers = messages as {
    id: number;
    result: { protocolVersion: string; tools: unknown[] };
  }[];
  assert.deepEqual(answers.map((m) => m.id), [1, 2]);
  assert.equal(answers[0]!.result.protocolVersion, "2025-06-18");
  assert.equal(answers[1]!.result.tools.length, 6);
});
