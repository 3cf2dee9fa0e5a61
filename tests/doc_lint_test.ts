// Each public subpath must pass `deno doc --lint` on its own: one run over
// several entries sees a type that one entry exports as public for all of
// them, so a subpath that references a type it does not export (the case of
// `./cleura` before #21) passes. The doc-lint task therefore lints every
// export entry in a run of its own, and this test keeps it that way when an
// export is added.

import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);

interface Manifest {
  exports: Record<string, string>;
  tasks: Record<string, string>;
}

async function manifest(): Promise<Manifest> {
  return JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  ) as Manifest;
}

/** The files each `deno doc --lint` command of the task lints. */
function lintRuns(task: string): string[][] {
  return task.split("&&").map((command) => command.trim().split(/\s+/))
    .map((words) => {
      assert.deepEqual(
        words.slice(0, 3),
        ["deno", "doc", "--lint"],
        words.join(" "),
      );
      return words.slice(3);
    });
}

Deno.test("doc-lint lints every export entry in a run of its own", async () => {
  const { exports, tasks } = await manifest();
  const task = tasks["doc-lint"];
  assert.ok(task, "deno.json has no doc-lint task");
  const runs = lintRuns(task);
  for (const run of runs) assert.equal(run.length, 1, run.join(" "));
  const linted = runs.map(([file]) => file!.replace(/^\.\//, "")).sort();
  const entries = Object.values(exports).map((file) =>
    file.replace(/^\.\//, "")
  )
    .sort();
  assert.deepEqual(linted, entries);
});

Deno.test("deno task ok runs doc-lint", async () => {
  const { tasks } = await manifest();
  assert.match(tasks.ok ?? "", /\bdeno task doc-lint\b/);
});
