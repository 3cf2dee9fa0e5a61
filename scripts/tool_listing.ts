/**
 * The JSON Schemas `tools/list` shows for every tool, converted from their
 * zod schemas and written to `mcp/tools/listing.json` by `deno task readme`,
 * so that the server lists its tools without converting.
 * `tests/tool_listing_test.ts` fails when the file is out of date.
 *
 * @module
 */

import { lean, type StoredListing } from "../mcp/tool_schema.ts";
import { TOOLS } from "../mcp/tools/mod.ts";

/** The target the SDK converts to. */
const TARGET = { target: "draft-2020-12" } as const;

/**
 * Every tool's JSON Schemas, converted now (not read from the file).
 *
 * @returns The listing, by tool name, in the tools' order.
 */
export function convertedListing(): Record<string, StoredListing> {
  return Object.fromEntries(TOOLS.map((tool) => [tool.name, {
    input: lean(tool.input)["~standard"].jsonSchema.input(TARGET),
    output: lean(tool.output, true)["~standard"].jsonSchema.output(TARGET),
  }]));
}

if (import.meta.main) {
  await Deno.writeTextFile(
    new URL("../mcp/tools/listing.json", import.meta.url),
    `${JSON.stringify(convertedListing(), null, 2)}\n`,
  );
}
