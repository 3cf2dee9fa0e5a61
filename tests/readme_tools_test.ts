import assert from "node:assert/strict";
import { TOOLS } from "../mcp/tools/mod.ts";
import { withToolTable } from "../scripts/tool_table.ts";

Deno.test("the tool table of docs/mcp.md is generated from the tool list and up to date", async () => {
  const readme = await Deno.readTextFile(
    new URL("../docs/mcp.md", import.meta.url),
  );
  const formatted = await format(withToolTable(readme));
  assert.equal(readme, formatted, "run `deno task readme`");
  for (const tool of TOOLS) assert.ok(readme.includes(`\`${tool.name}\``));
});

async function format(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  return new TextDecoder().decode((await child.output()).stdout);
}
