// The tool model: which tools change something (read from their annotations
// alone, in one place) and so are listed only with --allow-write.

import assert from "node:assert/strict";
import { changesSomething, selectTools } from "../mcp/tool.ts";
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
  assert.match(rows[1]!, /only with `--allow-write`/);
});
