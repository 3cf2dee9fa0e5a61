// Whole-process cold start: from spawn to the `initialize` answer on stdio,
// for the cloudgate MCP server and a bare-Deno floor (and, when it can be
// fetched, the MCP reference server), measured alternately in one run.
//
//   deno run -A bench/cold_start.ts [--runs 9]

import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string" }, json: { type: "boolean" } },
});
const runs = Number(values.runs ?? 9);
const root = new URL("..", import.meta.url).pathname;

const INIT = `${
  JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "bench", version: "1" },
    },
  })
}\n`;

interface Target {
  name: string;
  args: string[];
}

const targets: Target[] = [
  {
    name: "floor (bare Deno JSON-RPC)",
    args: ["run", `${root}bench/floor.ts`],
  },
  {
    name: "cloudgate mcp/server.ts",
    args: ["run", "--allow-net", "--allow-env", `${root}mcp/server.ts`],
  },
];
if (
  Deno.args.includes("--everything") || Deno.env.get("BENCH_EVERYTHING") === "1"
) {
  targets.push({
    name: "reference server-everything",
    args: [
      "run",
      "-A",
      "npm:@modelcontextprotocol/server-everything@2026.8.31",
      "stdio",
    ],
  });
}

/** Spawns the target, sends `initialize`, and returns ms until the first stdout line. */
async function once(target: Target): Promise<number> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: target.args,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(INIT));
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const elapsed = performance.now() - started;
  if (!text.includes('"result"')) {
    throw new Error(`${target.name} did not answer: ${text}`);
  }
  await writer.close().catch(() => {});
  await reader.cancel();
  try {
    child.kill();
  } catch {
    // already gone
  }
  await child.status;
  return elapsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// One warm-up each, so module caches are filled, then alternate.
for (const target of targets) await once(target);
const samples = new Map<string, number[]>(targets.map((t) => [t.name, []]));
for (let i = 0; i < runs; i++) {
  for (const target of targets) {
    samples.get(target.name)!.push(await once(target));
  }
}
const floor = median(samples.get(targets[0]!.name)!);
const rows = targets.map((t) => {
  const m = median(samples.get(t.name)!);
  return {
    target: t.name,
    medianMs: Math.round(m * 10) / 10,
    ratio: Math.round((m / floor) * 100) / 100,
  };
});
if (values.json) console.log(JSON.stringify({ runs, rows }));
else {
  console.log(
    `cold start, spawn to initialize answer, median of ${runs} alternating runs`,
  );
  for (const r of rows) {
    console.log(
      `${r.target.padEnd(32)} ${
        String(r.medianMs).padStart(7)
      } ms  x${r.ratio}`,
    );
  }
}
