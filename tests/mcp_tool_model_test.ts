// The tool model: which tools change something (read from their annotations
// alone, in one place) and so are listed only with --writes; what a
// server lists for a tool, built once per process.

import assert from "node:assert/strict";
import { Client, InMemoryTransport } from "@modelcontextprotocol/client";
import { z } from "zod";
import { createToolContext } from "../mcp/context.ts";
import { createMcpServer } from "../mcp/create_server.ts";
import {
  changesSomething,
  defineTool,
  selectTools,
  toolListing,
} from "../mcp/tool.ts";
import { TOOLS } from "../mcp/tools/mod.ts";
import { toolTable } from "../scripts/tool_table.ts";

Deno.test("a tool changes something exactly when its annotations say so", () => {
  const cases = [
    [undefined, false],
    [{}, false],
    [{ readOnlyHint: true }, false],
    [{ readOnlyHint: true, destructiveHint: true }, false],
    [{ readOnlyHint: false }, true],
    [{ readOnlyHint: false, destructiveHint: true }, true],
    [{ readOnlyHint: false, destructiveHint: false }, false],
  ] as const;
  for (const [annotations, expected] of cases) {
    assert.equal(
      changesSomething(annotations ? { annotations } : {}),
      expected,
      JSON.stringify(annotations),
    );
  }
});

Deno.test("only hibernate and wake change something: itopia_mint_jwt hands out a credential but is listed by default", () => {
  assert.deepEqual(
    TOOLS.filter(changesSomething).map((t) => t.name),
    ["cleura_hibernate_shoot", "cleura_wake_shoot"],
  );
  const mint = TOOLS.find((t) => t.name === "itopia_mint_jwt")!;
  assert.equal(mint.annotations?.readOnlyHint, false);
  assert.equal(mint.annotations?.destructiveHint, false);
  const listed = selectTools(TOOLS).map((t) => t.name);
  assert.ok(listed.includes("itopia_mint_jwt"));
  assert.deepEqual(
    TOOLS.filter((t) => !listed.includes(t.name)).map((t) => t.name),
    ["cleura_hibernate_shoot", "cleura_wake_shoot"],
  );
  assert.deepEqual(selectTools(TOOLS, { allowWrite: true }), [...TOOLS]);
});

Deno.test("selectTools and the README's effect column follow the annotations of any tool", () => {
  const base = TOOLS.find((t) => t.name === "cleura_list_regions")!;
  const changer = {
    ...base,
    name: "test_change",
    annotations: { readOnlyHint: false },
  };
  assert.deepEqual(selectTools([base, changer]), [base]);
  assert.deepEqual(selectTools([base, changer], { allowWrite: true }), [
    base,
    changer,
  ]);
  const rows = toolTable([base, changer]).split("\n").slice(2);
  assert.match(rows[0]!, /\| read-only \|$/);
  assert.match(rows[1]!, /only with `--writes`/);
});

/** The schema, counting its conversions to JSON Schema. */
function counted<S extends z.ZodObject>(
  schema: S,
  counts: Record<"input" | "output", number>,
): S {
  const standard = schema["~standard"];
  const convert = standard.jsonSchema;
  type Options = Parameters<typeof convert.input>[0];
  const jsonSchema = {
    input: (options: Options) => (counts.input++, convert.input(options)),
    output: (options: Options) => (counts.output++, convert.output(options)),
  };
  return new Proxy(schema, {
    get: (target, key, receiver) =>
      key === "~standard"
        ? {
          ...standard,
          validate: standard.validate.bind(standard),
          jsonSchema,
        }
        : Reflect.get(target, key, receiver),
  });
}

Deno.test("what a server lists for a tool is built once per process: a second server (an HTTP session) converts no schema again", async () => {
  const counts = { input: 0, output: 0 };
  const echo = defineTool({
    name: "test_echo",
    toolset: "cleura",
    title: "Echo",
    description: "Returns its text, trimmed.",
    input: counted(z.object({ text: z.string().trim().max(20) }), counts),
    output: counted(z.object({ text: z.string() }), counts),
    annotations: { openWorldHint: false },
    run: ({ text }) => Promise.resolve({ text }),
  });
  assert.equal(toolListing(echo), toolListing(echo));
  const ctx = createToolContext({ env: {} });
  const listed = [];
  for (let session = 0; session < 2; session++) {
    const server = createMcpServer(ctx, [echo]);
    const client = new Client({ name: "test", version: "1.0.0" });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    await client.connect(clientSide);
    listed.push((await client.listTools()).tools);
    listed.push((await client.listTools()).tools);
    const result = await client.callTool({
      name: "test_echo",
      arguments: { text: " hi " },
    });
    assert.deepEqual(result.structuredContent, { text: "hi" });
    await client.close();
    await server.close();
  }
  await ctx.pages.closeAll();
  // One conversion of the arguments' schema and one of the result's, for
  // two servers that each listed the tool twice and called it.
  assert.deepEqual(counts, { input: 1, output: 1 });
  for (const tools of listed) assert.deepEqual(tools, listed[0]);
  assert.deepEqual(listed[0]![0]!.inputSchema, {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
  });
});
