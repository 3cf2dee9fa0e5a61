// Whole-process cold start on stdio, measured alternately in one run: from
// spawn to the `initialize` answer, and from spawn to the `tools/list`
// answer (initialize, initialized and tools/list sent at once), for the
// cloudgate MCP server, a bare-Deno JSON-RPC floor, a plain SDK server, and
// the MCP reference server when it can be fetched.
//
//   deno run -A bench/cold_start.ts [--runs 9] [--json] [--extra NAME=FILE]

import { parseArgs } from "node:util";
import { OPENING } from "../tests/mcp_helpers.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    json: { type: "boolean" },
    extra: { type: "string", multiple: true },
  },
});
const runs = Number(values.runs ?? 9);
const root = new URL("..", import.meta.url).pathname;

const MESSAGES = OPENING.map((m) => `${JSON.stringify(m)}\n`).join("");

interface Target {
  name: string;
  args: string[];
  tools: boolean;
}

const candidates: Target[] = [
  {
    name: "floor (bare Deno JSON-RPC)",
    args: ["run", `${root}bench/floor.ts`],
    tools: false,
  },
  {
    name: "cloudgate mcp/server.ts",
    args: ["run", "--allow-net", "--allow-env", `${root}mcp/server.ts`],
    tools: true,
  },
  {
    name: "plain SDK server in Deno",
    args: ["run", "-A", `${root}bench/plain_sdk_server.ts`],
    tools: true,
  },
  {
    name: "server-everything (reference)",
    args: [
      "run",
      "-A",
      "npm:@modelcontextprotocol/server-everything@2026.8.31",
      "stdio",
    ],
    tools: true,
  },
  ...(values.extra ?? []).map((spec) => {
    const [name, file] = spec.split("=");
    return { name: name!, args: ["run", "-A", file!], tools: true };
  }),
];

/** Spawns the target, sends the messages, and returns ms until each answer. */
async function once(
  target: Target,
): Promise<{ init: number; tools: number | undefined }> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: target.args,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(MESSAGES));
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let init: number | undefined;
  let tools: number | undefined;
  while (init === undefined || (target.tools && tools === undefined)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const now = performance.now() - started;
    if (init === undefined && /"id":1[,}]/.test(text)) init = now;
    if (tools === undefined && /"id":2[,}]/.test(text)) tools = now;
  }
  await writer.close().catch(() => {});
  await reader.cancel().catch(() => {});
  try {
    child.kill();
  } catch {
    // already gone
  }
  await child.status;
  if (init === undefined) {
    throw new Error(`${target.name} did not answer initialize`);
  }
  return { init, tools };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const targets: Target[] = [];
for (const target of candidates) {
  try {
    await once(target); // warm-up: fills the module and code caches
    targets.push(target);
  } catch (error) {
    console.error(`skipping ${target.name}: ${(error as Error).message}`);
  }
}
const init = new Map<string, number[]>(targets.map((t) => [t.name, []]));
const tools = new Map<string, number[]>(targets.map((t) => [t.name, []]));
for (let i = 0; i < runs; i++) {
  for (const target of targets) {
    const r = await once(target);
    init.get(target.name)!.push(r.init);
    if (r.tools !== undefined) tools.get(target.name)!.push(r.tools);
  }
}
const floor = median(init.get(targets[0]!.name)!);
const round = (x: number) => Math.round(x * 10) / 10;
const rows = targets.map((t) => {
  const i = median(init.get(t.name)!);
  const l = tools.get(t.name)!;
  return {
    target: t.name,
    initializeMs: round(i),
    initializeRatio: Math.round((i / floor) * 100) / 100,
    toolsListMs: l.length ? round(median(l)) : null,
  };
});
if (values.json) console.log(JSON.stringify({ runs, rows }, null, 2));
else {
  console.log(
    `stdio cold start, median of ${runs} alternating runs (ms from spawn)`,
  );
  console.log(
    `${"target".padEnd(32)} ${"initialize".padStart(10)} ${
      "ratio".padStart(7)
    } ${"tools/list".padStart(10)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(32)} ${String(r.initializeMs).padStart(10)} ${
        ("x" + r.initializeRatio).padStart(7)
      } ${String(r.toolsListMs ?? "-").padStart(10)}`,
    );
  }
}
