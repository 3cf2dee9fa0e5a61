// Idle memory of a stdio server: its VmRSS one second after it answered the
// first `tools/list`, for cloudgate `mcp/server.ts` and the plain SDK v2
// server with one tool (`bench/plain_sdk_server.ts`), each in both protocol
// eras, and a bare Deno process idle one second after answering one request
// (`bench/floor.ts --stay`). The five targets take turns, in an order rotated
// each round, `--runs` rounds, so the machine's load falls on each alike.
// Reported: medians in MB, cloudgate's as a ratio to the plain server's in
// the same era (and each to the floor's).
//
// Openings, each in one write: 2025 `initialize`, `notifications/initialized`,
// `tools/list`; 2026 `server/discover` then `tools/list`, each with the
// 2026-07-28 request envelope's `_meta`. Every process runs as
// `deno run --allow-net=127.0.0.1 --allow-env FILE` (the package's deno.json)
// with the parent's environment minus CLEURA_*, ITOPIA_* and CLOUDGATE_*.
//
//   deno run -A --config tests/tools/deno.json bench/idle_rss.ts [--runs 7] [--json]

import { parseArgs } from "node:util";
import { Answers } from "./_answers.ts";
import { childEnv, OPENING, SERVER } from "../tests/_helpers/mcp.ts";

const { values } = parseArgs({
  options: { json: { type: "boolean" }, runs: { type: "string" } },
});
const RUNS = Number(values.runs ?? 7);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs N, N >= 1");
const here = (file: string) => new URL(file, import.meta.url).pathname;

const META = {
  _meta: {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "idle-rss", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": {},
  },
};
const MODERN = [
  { jsonrpc: "2.0", id: 1, method: "server/discover", params: META },
  { jsonrpc: "2.0", id: 2, method: "tools/list", params: META },
];

interface Target {
  name: string;
  file: string;
  args: string[];
  opening: readonly unknown[];
  /** The id of the answer to wait for. */
  id: number;
}

const targets: Target[] = [
  {
    name: "floor (bare Deno, idle)",
    file: here("floor.ts"),
    args: ["--stay"],
    opening: OPENING,
    id: 1,
  },
  ...(["2025", "2026"] as const).flatMap((era) =>
    [["cloudgate", SERVER], ["plain", here("plain_sdk_server.ts")]].map((
      [name, file],
    ) => ({
      name: `${name} ${era}`,
      file: file!,
      args: [],
      opening: era === "2025" ? OPENING : MODERN,
      id: 2,
    }))
  ),
];

/** VmRSS in MB of the target one second after its answer to `id`. */
async function idleRss(t: Target): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", t.file, ...t.args],
    env: childEnv({}),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const answers = new Answers(child.stdout, performance.now());
  try {
    await writer.write(new TextEncoder().encode(
      t.opening.map((m) => `${JSON.stringify(m)}\n`).join(""),
    ));
    await answers.answer(t.id);
    await new Promise((r) => setTimeout(r, 1000));
    const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } finally {
    await writer.close().catch(() => {});
    await answers.cancel();
    try {
      child.kill(); // the floor idles until killed
    } catch {
      // already gone
    }
    await child.status;
  }
}

for (const t of targets) await idleRss(t); // warm-up: fills the caches
const samples = targets.map(() => [] as number[]);
for (let round = 0; round < RUNS; round++) {
  for (let k = 0; k < targets.length; k++) {
    const i = (k + round) % targets.length;
    samples[i]!.push(await idleRss(targets[i]!));
  }
}
const median = (xs: number[]) => {
  const s = xs.toSorted((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const mb = Object.fromEntries(
  targets.map((t, i) => [t.name, median(samples[i]!)]),
);
const floor = mb["floor (bare Deno, idle)"]!;
const report = {
  runs: RUNS,
  medianMb: Object.fromEntries(Object.entries(mb).map(([k, v]) => [k, r1(v)])),
  minMaxMb: Object.fromEntries(
    targets.map((t, i) => [t.name, [
      r1(Math.min(...samples[i]!)),
      r1(Math.max(...samples[i]!)),
    ]]),
  ),
  ratioToPlain: {
    "2025": r2(mb["cloudgate 2025"]! / mb["plain 2025"]!),
    "2026": r2(mb["cloudgate 2026"]! / mb["plain 2026"]!),
  },
  ratioToFloor: Object.fromEntries(
    Object.entries(mb).map(([k, v]) => [k, r2(v / floor)]),
  ),
};
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `idle stdio VmRSS one second after the first tools/list answer: ${RUNS} rotated rounds, medians`,
  );
  console.log(JSON.stringify(report, null, 2));
}
