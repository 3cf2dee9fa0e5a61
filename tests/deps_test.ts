// The package's deno.json and deno.lock hold only what the library, the CLI
// and the MCP server import; what only tests and benchmarks use is pinned in
// tests/tools/deno.json and its own lock.

import assert from "node:assert/strict";
import { TOOLS_CONFIG } from "./_helpers/tools.ts";

const ROOT = new URL("..", import.meta.url);

/** The runtime imports: the package's whole import map. */
const RUNTIME = ["zod", "jose", "js-yaml", "@modelcontextprotocol/server"];

/** Packages that only tests and benchmarks use. */
const DEV_ONLY = [
  "@modelcontextprotocol/inspector",
  "@modelcontextprotocol/conformance",
  "mcp-remote",
  "@modelcontextprotocol/sdk",
  "@modelcontextprotocol/server-everything",
  "fast-check",
  "@modelcontextprotocol/client",
  "@anthropic-ai/mcpb",
];

interface Config {
  imports: Record<string, string>;
  compilerOptions: Record<string, unknown>;
}

async function json<T>(path: string | URL): Promise<T> {
  return JSON.parse(await Deno.readTextFile(path)) as T;
}

/** A lock's npm packages by name (`@scope/name@1.2.3_peer@4` → `@scope/name`). */
function lockedNames(npm: Record<string, unknown>): string[] {
  return Object.keys(npm).map((key) => key.slice(0, key.indexOf("@", 1)));
}

Deno.test("deno.json imports exactly the runtime packages", async () => {
  const root = await json<Config>(new URL("deno.json", ROOT));
  assert.deepEqual(Object.keys(root.imports).sort(), [...RUNTIME].sort());
});

Deno.test("the tests' config maps the runtime packages as deno.json does", async () => {
  const root = await json<Config>(new URL("deno.json", ROOT));
  const tools = await json<Config>(TOOLS_CONFIG);
  for (const name of RUNTIME) {
    assert.equal(tools.imports[name], root.imports[name], name);
  }
  assert.deepEqual(tools.compilerOptions, root.compilerOptions);
});

Deno.test("deno.lock pins no package that only tests or benchmarks use", async () => {
  const lock = await json<{
    specifiers: Record<string, string>;
    npm: Record<string, unknown>;
  }>(new URL("deno.lock", ROOT));
  const names = lockedNames(lock.npm);
  assert.ok(names.includes("zod"), names.join(", "));
  for (const name of DEV_ONLY) {
    assert.ok(!names.includes(name), `deno.lock pins ${name}`);
  }
  const specifiers = Object.keys(lock.specifiers).map((s) =>
    s.replace(/^npm:/, "").slice(0, s.replace(/^npm:/, "").indexOf("@", 1))
  );
  assert.deepEqual(specifiers.sort(), [...RUNTIME].sort());
});

Deno.test("tests and benchmarks name npm tools only in tests/_helpers/tools.ts", async () => {
  const stray: string[] = [];
  for (const dir of ["tests", "bench"]) {
    for await (const file of walk(new URL(`${dir}/`, ROOT))) {
      if (file.pathname.endsWith("/tests/_helpers/tools.ts")) continue;
      const lines = (await Deno.readTextFile(file)).split("\n");
      lines.forEach((line, i) => {
        // Static imports resolve through the config of the run that imports
        // them (the tests'), so they may name a version in place.
        if (
          !/["'`]npm:/.test(line) ||
          /^\s*(import |\} from |\/\/ @ts-types=)/.test(line)
        ) {
          return;
        }
        stray.push(`${file.pathname}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  assert.deepEqual(stray, []);
});

async function* walk(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) yield* walk(new URL(`${entry.name}/`, dir));
    else if (entry.name.endsWith(".ts")) yield new URL(entry.name, dir);
  }
}
