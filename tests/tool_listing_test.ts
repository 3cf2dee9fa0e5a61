// The JSON Schemas the server lists come from mcp/tools/listing.json (so the
// first tools/list converts no zod schema): the file must hold exactly what
// converting the tools' schemas gives now.

import assert from "node:assert/strict";
import { toolListing } from "../mcp/tool.ts";
import { TOOLS } from "../mcp/tools/mod.ts";
import LISTING from "../mcp/tools/listing.json" with { type: "json" };
import { convertedListing } from "../scripts/tool_listing.ts";

const TARGET = { target: "draft-2020-12" } as const;

Deno.test("mcp/tools/listing.json is the tools' converted JSON Schemas", async () => {
  const stored = JSON.parse(
    await Deno.readTextFile(
      new URL("../mcp/tools/listing.json", import.meta.url),
    ),
  );
  assert.deepEqual(stored, convertedListing(), "run `deno task readme`");
  assert.deepEqual(Object.keys(stored), TOOLS.map((t) => t.name));
});

Deno.test("a tool lists the stored JSON Schemas, and converts for any other target", () => {
  const converted = convertedListing();
  const stored: Record<string, { input: unknown; output: unknown }> = LISTING;
  for (const tool of TOOLS) {
    const listing = toolListing(tool);
    // The stored object itself: not converted again.
    assert.equal(
      listing.inputSchema["~standard"].jsonSchema.input(TARGET),
      stored[tool.name]!.input,
    );
    assert.deepEqual(
      listing.inputSchema["~standard"].jsonSchema.input(TARGET),
      converted[tool.name]!.input,
    );
    assert.deepEqual(
      listing.outputSchema["~standard"].jsonSchema.output(TARGET),
      converted[tool.name]!.output,
    );
    const other = listing.inputSchema["~standard"].jsonSchema.input({
      target: "draft-07",
    });
    assert.equal(other.type, "object");
  }
});
