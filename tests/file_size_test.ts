// The architecture's limit: no source file of the library, the CLI or the MCP
// server is longer than 400 lines (split it along a seam instead, as
// lib/config.ts was split into lib/config.ts and lib/env.ts for #21).

import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url);
const FOLDERS = ["cli", "lib", "mcp"];
const MAX_LINES = 400;

/** Every `.ts` file under a folder, as paths from the repository's root. */
async function* sources(folder: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(new URL(`${folder}/`, ROOT))) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) yield* sources(path);
    else if (entry.isFile && entry.name.endsWith(".ts")) yield path;
  }
}

/** Lines as `wc -l` counts them: newline characters. */
function lineCount(text: string): number {
  return text.split("\n").length - 1;
}

Deno.test(`no file under ${FOLDERS.join("/, ")}/ exceeds ${MAX_LINES} lines`, async () => {
  const long: string[] = [];
  let files = 0;
  for (const folder of FOLDERS) {
    for await (const path of sources(folder)) {
      files++;
      const lines = lineCount(await Deno.readTextFile(new URL(path, ROOT)));
      if (lines > MAX_LINES) long.push(`${path}: ${lines} lines`);
    }
  }
  assert.ok(files > 50, `only ${files} files found`);
  assert.deepEqual(long, []);
});
