// Whole-process warm start on stdio: from spawn to the FIRST `tools/list`
// answer, as a ratio to a plain SDK v2 server in Deno with one tool
// (`bench/plain_sdk_server.ts`) in the same era, and to a bare-Deno floor,
// all measured in the same run.
//
// The openings are built from what a real SDK v2 client sends (its messages
// as sent, the `_meta` envelope included) and replayed raw, every message of
// an opening in one write:
//
// - 2025: what a client on the 2025 era sends (`initialize`,
//   `notifications/initialized`, `tools/list`);
// - 2026: `server/discover` then `tools/list`, each with the request
//   envelope's `_meta` (`io.modelcontextprotocol/protocolVersion`
//   2026-07-28, `clientInfo`, `clientCapabilities`) that a client pinned to
//   2026-07-28 sends. (The SDK's stdio client itself sends its
//   `server/discover` to a throw-away process it spawns and kills, then
//   `tools/list` alone to the process it keeps: only that `tools/list` shows
//   in the capture, and the "v2 client" 2026 row pays two starts.)
//
// A real 2025 client waits for the `initialize` answer before it sends the
// rest; the replay does not, so the figure is the server's cost alone.
//
// Targets: the floor (`bench/floor.ts`), cloudgate `mcp/server.ts` in both
// eras, each `--extra` file in both eras, the plain SDK v2 server in both
// eras, a real v2 client (`connect` + `listTools`) in both eras, the
// reference server-everything (SDK v1, 2025 only; skipped when it cannot be
// fetched), and with `--before DIR` the server of an older checkout (run with
// that checkout's deno.json and lock, 2025 only) and its bundle. Two warm-up
// runs per target fill Deno's module and code caches; then every target runs
// once per round, in an order rotated each round, `--runs` rounds, so the
// machine's load falls on every target alike. Reported: median and p90
// (nearest rank), each also as a ratio to the floor's and (servers) to the
// plain server's in the same era.
//
//   deno run -A --config tests/tools/deno.json bench/cold_start.ts
//     [--runs 15] [--json] [--before DIR] [--extra NAME=FILE]...
//
// (The tests' config maps the SDK client this script imports; every server
// it times runs with the package's own deno.json, server-everything with the
// tests' config, where it is pinned.)

import { parseArgs } from "node:util";
import { Client, type JSONRPCMessage } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { SERVER_EVERYTHING, toolArgs } from "../tests/_helpers/tools.ts";
import { Answers } from "./_answers.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string" },
    json: { type: "boolean" },
    before: { type: "string" },
    extra: { type: "string", multiple: true },
  },
});
const runs = Number(values.runs ?? 15);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs N, N >= 1");
const root = new URL("..", import.meta.url).pathname;
const config = `${root}deno.json`;
const server = `${root}mcp/server.ts`;
/** The parent's environment without cloudgate's variables, keeping its Deno cache. */
const env = Object.fromEntries(
  Object.entries(Deno.env.toObject()).filter(([name]) =>
    !/^(CLEURA|ITOPIA|CLOUDGATE)_/.test(name)
  ),
);
env.DENO_DIR ??= `${env.XDG_CACHE_HOME ?? `${env.HOME}/.cache`}/deno`;

type Era = "2025" | "2026";

interface Opening {
  era: Era;
  messages: JSONRPCMessage[];
  bytes: Uint8Array;
  /** The id of the opening's first request. */
  firstId: string | number;
  /** The id of its `tools/list`. */
  listId: string | number;
}

function clientFor(era: Era): {
  client: Client;
  transport: StdioClientTransport;
} {
  const client = new Client({ name: "cloudgate-bench", version: "1" }, {
    capabilities: {},
    ...(era === "2026"
      ? { versionNegotiation: { mode: { pin: "2026-07-28" as const } } }
      : {}),
  });
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "--config", config, "--allow-net", "--allow-env", server],
    env,
    stderr: "ignore",
  });
  return { client, transport };
}

/**
 * Runs a v2 client against `mcp/server.ts` and records what it sends up to
 * the `tools/list` answer (a pinned 2026 client: `tools/list` alone).
 */
async function capture(era: Era): Promise<Opening> {
  const { client, transport } = clientFor(era);
  const messages: JSONRPCMessage[] = [];
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage) => {
    messages.push(structuredClone(message));
    return send(message);
  };
  await client.connect(transport);
  await client.listTools();
  await client.close();
  const requests = messages.filter((m) => "method" in m && "id" in m) as {
    id: string | number;
    method: string;
  }[];
  const list = requests.find((m) => m.method === "tools/list");
  if (!requests[0] || !list) {
    throw new Error(`the ${era} client sent no tools/list`);
  }
  return {
    era,
    messages,
    bytes: new TextEncoder().encode(
      messages.map((m) => `${JSON.stringify(m)}\n`).join(""),
    ),
    firstId: requests[0].id,
    listId: list.id,
  };
}

/**
 * The 2026 opening: `server/discover` then the pinned client's `tools/list`,
 * both with the envelope of its `tools/list`, ids 0 and 1.
 */
function modernOpening(captured: Opening): Opening {
  const list = captured.messages.find((m) =>
    "method" in m && m.method === "tools/list"
  ) as { params?: unknown };
  const messages = [
    { jsonrpc: "2.0", id: 0, method: "server/discover", params: list.params },
    { jsonrpc: "2.0", id: 1, method: "tools/list", params: list.params },
  ] as JSONRPCMessage[];
  return {
    era: "2026",
    messages,
    bytes: new TextEncoder().encode(
      messages.map((m) => `${JSON.stringify(m)}\n`).join(""),
    ),
    firstId: 0,
    listId: 1,
  };
}

const openings: Record<Era, Opening> = {
  "2025": await capture("2025"),
  "2026": modernOpening(await capture("2026")),
};

interface Target {
  name: string;
  era: Era;
  args: string[];
  /** The floor answers the first request only; that answer is its figure. */
  floor?: boolean;
  /** Timed through a real v2 client (`connect` then `listTools`) instead of a raw replay. */
  client?: boolean;
}

interface Sample {
  first: number;
  list: number;
  listBytes: number;
}

/** A server in both eras. */
function bothEras(name: string, args: string[]): Target[] {
  return [
    { name, era: "2025", args },
    { name, era: "2026", args },
  ];
}

/** The name of the plain SDK v2 server's rows: the second reference. */
const PLAIN = "plain SDK v2 server in Deno";

let scratch: string | undefined;

/** Bundles the older checkout's server as `deno task build` does. */
async function bundleBefore(dir: string): Promise<string | undefined> {
  scratch ??= await Deno.makeTempDir({ prefix: "cold_start_" });
  const out = `${scratch}/before-mcp.js`;
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      `${dir}/deno.json`,
      "--platform",
      "deno",
      "--minify",
      "-o",
      out,
      `${dir}/mcp/server.ts`,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (success) return out;
  console.error(
    `skipping the before bundle: ${new TextDecoder().decode(stderr).trim()}`,
  );
  return undefined;
}

const before = values.before?.replace(/\/$/, "");
const beforeBundle = before ? await bundleBefore(before) : undefined;

const candidates: Target[] = [
  {
    name: "floor (bare Deno JSON-RPC)",
    era: "2025",
    args: ["run", "--config", config, `${root}bench/floor.ts`],
    floor: true,
  },
  ...(before
    ? [{
      name: `before: mcp/server.ts (${before})`,
      era: "2025" as const,
      args: [
        "run",
        "--config",
        `${before}/deno.json`,
        "--allow-net",
        "--allow-env",
        `${before}/mcp/server.ts`,
      ],
    }]
    : []),
  ...(beforeBundle
    ? [{
      name: "before: bundled",
      era: "2025" as const,
      args: ["run", "--config", `${before}/deno.json`, "-A", beforeBundle],
    }]
    : []),
  ...bothEras("cloudgate mcp/server.ts", [
    "run",
    "--config",
    config,
    "--allow-net",
    "--allow-env",
    server,
  ]),
  ...(values.extra ?? []).flatMap((spec) => {
    const at = spec.indexOf("=");
    if (at < 1) throw new Error(`--extra NAME=FILE, got "${spec}"`);
    return bothEras(spec.slice(0, at), [
      "run",
      "--config",
      config,
      "-A",
      spec.slice(at + 1),
    ]);
  }),
  ...bothEras(PLAIN, [
    "run",
    "--config",
    config,
    "-A",
    `${root}bench/plain_sdk_server.ts`,
  ]),
  ...(["2025", "2026"] as const).map((era) => ({
    name: "v2 client: connect + listTools",
    era,
    args: [],
    client: true,
  })),
  {
    name: "server-everything (reference, SDK v1)",
    era: "2025",
    args: toolArgs(SERVER_EVERYTHING, "stdio"),
  },
];

/** What a client sees: ms from `connect()` to its end and to the `listTools()` answer. */
async function viaClient(era: Era): Promise<Sample> {
  const started = performance.now();
  const { client, transport } = clientFor(era);
  try {
    await client.connect(transport);
    const first = performance.now() - started;
    await client.listTools();
    return { first, list: performance.now() - started, listBytes: 0 };
  } finally {
    await client.close();
  }
}

/** Spawns the target, writes its opening, and times the answers (ms from spawn to each whole line). */
async function once(target: Target): Promise<Sample> {
  if (target.client) return await viaClient(target.era);
  const opening = openings[target.era];
  const listId = target.floor ? opening.firstId : opening.listId;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: target.args,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const answers = new Answers(child.stdout, started);
  try {
    await writer.write(opening.bytes);
    const first = await answers.answer(opening.firstId);
    const list = await answers.answer(listId);
    return { first: first.at, list: list.at, listBytes: list.bytes };
  } catch {
    throw new Error(`${target.name} (${target.era}) did not answer tools/list`);
  } finally {
    await writer.close().catch(() => {});
    await answers.cancel();
    try {
      child.kill();
    } catch {
      // already gone
    }
    await child.status;
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (q === 0.5) {
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  }
  return s[Math.max(0, Math.ceil(q * s.length) - 1)]!; // nearest rank
}

const targets: Target[] = [];
for (const target of candidates) {
  try {
    await once(target); // warm-up: fills the module and code caches
    await once(target);
    targets.push(target);
  } catch (error) {
    if (target.floor) throw error;
    console.error(
      `skipping ${target.name} (${target.era}): ${(error as Error).message}`,
    );
  }
}
const samples = targets.map(() => [] as Sample[]);
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < targets.length; k++) {
    const i = (k + round) % targets.length;
    samples[i]!.push(await once(targets[i]!));
  }
}
if (scratch) await Deno.remove(scratch, { recursive: true });

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const floorList = samples[0]!.map((s) => s.list);
const floorMedian = quantile(floorList, 0.5);
const floorP90 = quantile(floorList, 0.9);
/** The plain server's median and p90 to `tools/list` in each era. */
const plain = Object.fromEntries(
  targets.flatMap((t, i) => {
    if (t.name !== PLAIN) return [];
    const list = samples[i]!.map((s) => s.list);
    return [[t.era, { median: quantile(list, 0.5), p90: quantile(list, 0.9) }]];
  }),
) as Partial<Record<Era, { median: number; p90: number }>>;
const rows = targets.map((t, i) => {
  const list = samples[i]!.map((s) => s.list);
  const median = quantile(list, 0.5);
  const p90 = quantile(list, 0.9);
  const ref = t.floor || t.client ? undefined : plain[t.era];
  return {
    target: t.name,
    opening: t.floor ? "one request" : t.client ? `${t.era} client` : t.era,
    firstAnswerMedianMs: r1(quantile(samples[i]!.map((s) => s.first), 0.5)),
    firstAnswerRatio: r2(
      quantile(samples[i]!.map((s) => s.first), 0.5) / floorMedian,
    ),
    toolsListMedianMs: r1(median),
    toolsListP90Ms: r1(p90),
    medianRatio: r2(median / floorMedian),
    p90Ratio: r2(p90 / floorP90),
    plainRatio: ref ? r2(median / ref.median) : null,
    plainP90Ratio: ref ? r2(p90 / ref.p90) : null,
    toolsListBytes: t.floor || t.client ? null : samples[i]![0]!.listBytes,
  };
});

if (values.json) {
  console.log(JSON.stringify(
    {
      runs,
      deno: Deno.version.deno,
      openings: Object.fromEntries(
        Object.values(openings).map((o) => [o.era, o.messages]),
      ),
      rows,
    },
    null,
    2,
  ));
} else {
  console.log(
    `stdio warm start to the first tools/list answer: ${runs} rotated rounds, ms from spawn to the whole answer line; ratios to the floor's median and p90, and to the plain SDK v2 server's in the same era`,
  );
  for (const o of Object.values(openings)) {
    const methods = o.messages.map((m) => "method" in m ? m.method : "?");
    console.log(`  ${o.era} opening (one write): ${methods.join(", ")}`);
  }
  const head = [
    "target".padEnd(40),
    "opening".padEnd(11),
    "1st answer".padStart(10),
    "1st ratio".padStart(9),
    "tools/list".padStart(10),
    "p90".padStart(7),
    "ratio".padStart(6),
    "p90 ratio".padStart(9),
    "/plain".padStart(7),
    "p90/pl".padStart(7),
    "bytes".padStart(6),
  ];
  console.log(head.join(" "));
  for (const r of rows) {
    console.log([
      r.target.padEnd(40),
      r.opening.padEnd(11),
      String(r.firstAnswerMedianMs).padStart(10),
      `x${r.firstAnswerRatio}`.padStart(9),
      String(r.toolsListMedianMs).padStart(10),
      String(r.toolsListP90Ms).padStart(7),
      `x${r.medianRatio}`.padStart(6),
      `x${r.p90Ratio}`.padStart(9),
      (r.plainRatio === null ? "-" : `x${r.plainRatio}`).padStart(7),
      (r.plainP90Ratio === null ? "-" : `x${r.plainP90Ratio}`).padStart(7),
      String(r.toolsListBytes ?? "-").padStart(6),
    ].join(" "));
  }
}
