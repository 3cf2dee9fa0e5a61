// The HTTP server under load, as a separate process (`mcp/server.ts --http`),
// against a plain SDK v2 server over the SDK's `createMcpHandler`
// (`bench/plain_sdk_http_server.ts`, one tool that mints the same HS256 JWT
// with jose) in the same run: 64 concurrent SDK v2 clients (`Client` over
// Streamable HTTP, pinned to 2026-07-28 by default, `--era legacy` for the
// 2025 era with one session each) make 30 `itopia_mint_jwt` calls each, all
// at once: throughput, p50/p99 latency, errors. The two servers run side by
// side and take turns, `--rounds` rounds in an order that alternates (A B,
// B A, ...), so the machine's load falls on both alike; the figures are the
// medians over the rounds, with the ratio of each round. Then the memory of
// an idle cloudgate session: the growth of its VmRSS over 128 sessions opened
// with a 2025 `initialize` alone, divided by 128.
//
//   deno run -A --config tests/tools/deno.json bench/http_load.ts
//     [--json] [--rounds 5] [--era pin|legacy] [--clients 64] [--calls 30]

import { parseArgs } from "node:util";
import { startEmulator } from "../lib/testing/mod.ts";
import { itopiaEnv } from "../tests/_helpers/accounts.ts";
import {
  call,
  childEnv,
  type Era,
  httpClient,
  SERVER,
  type ServerAddress,
} from "../tests/_helpers/mcp.ts";
import { RawSession } from "../tests/_helpers/raw_session.ts";

const { values } = parseArgs({
  options: {
    json: { type: "boolean" },
    clients: { type: "string" },
    calls: { type: "string" },
    sessions: { type: "string" },
    rounds: { type: "string" },
    era: { type: "string" },
  },
});
const CLIENTS = Number(values.clients ?? 64);
const CALLS = Number(values.calls ?? 30);
const SESSIONS = Number(values.sessions ?? 128);
const ROUNDS = Number(values.rounds ?? 5);
const ERA = (values.era ?? "pin") as Era;
if (ERA !== "pin" && ERA !== "legacy") throw new Error("--era pin|legacy");
const TOKEN = "bench-token-0123456789abcdef";
const PLAIN = new URL("plain_sdk_http_server.ts", import.meta.url).pathname;

await using emu = await startEmulator();

/** Spawns an HTTP server and waits for its `listening on …/mcp` banner. */
async function spawnServer(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-env", ...args],
    env: childEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  let stderr = "";
  while (!/listening on \S+\/mcp/.test(stderr)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server did not start: ${stderr}`);
    stderr += value;
  }
  const url = /listening on (\S+)\/mcp/.exec(stderr)![1]!;
  // Keep reading stderr so a chatty server never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done) {
      // discard
    }
  })();
  return {
    child,
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel().catch(() => {});
      await drained;
    },
  };
}

const env = { ...itopiaEnv(emu), CLOUDGATE_MCP_TOKEN: TOKEN };
const cloudgate = await spawnServer([SERVER, "--http", "--port", "0"], env);
const plain = await spawnServer([PLAIN], itopiaEnv(emu));
const servers: Record<string, { address: ServerAddress; pid: number }> = {
  cloudgate: {
    address: { url: cloudgate.url, token: TOKEN },
    pid: cloudgate.child.pid,
  },
  plain: { address: { url: plain.url }, pid: plain.child.pid },
};

async function rssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}
const settle = () => new Promise((r) => setTimeout(r, 1000));
const round = (x: number, digits = 1) =>
  Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = xs.toSorted((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const report: Record<string, unknown> = {
  era: ERA === "pin" ? "2026-07-28" : "2025",
  clients: CLIENTS,
  callsEach: CALLS,
  rounds: ROUNDS,
};

interface Load {
  errors: number;
  seconds: number;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rssUnderLoadMb: number;
}

/** CLIENTS clients of one server, CALLS calls each, all at once. */
async function load(name: string): Promise<Load> {
  const { address, pid } = servers[name]!;
  const clients = await Promise.all(
    Array.from(
      { length: CLIENTS },
      () => httpClient(address, undefined, { era: ERA }),
    ),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(clients.map(async (c) => {
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      try {
        const r = await call(c.client, "itopia_mint_jwt");
        if (r.isError || !r.structured?.token) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  const rssUnderLoad = await rssMb(pid);
  await Promise.all(clients.map((c) => c[Symbol.asyncDispose]()));
  const sorted = latencies.toSorted((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    errors,
    seconds: round(seconds, 2),
    callsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    rssUnderLoadMb: round(rssUnderLoad),
  };
}

try {
  // Warm up both: load the SDK and the tools, as a first tool call does.
  for (const name of Object.keys(servers)) {
    await using t = await httpClient(servers[name]!.address, undefined, {
      era: ERA,
    });
    const r = await call(t.client, "itopia_mint_jwt");
    if (r.isError) throw new Error(`${name}: ${r.text}`);
  }

  // 1. Concurrent clients, the two servers taking turns.
  {
    const runs: Record<string, Load[]> = { cloudgate: [], plain: [] };
    const ratios: { throughput: number; p99: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? ["plain", "cloudgate"] : ["cloudgate", "plain"];
      for (const name of order) runs[name]!.push(await load(name));
      const c = runs.cloudgate!.at(-1)!;
      const p = runs.plain!.at(-1)!;
      ratios.push({
        throughput: round(c.callsPerSecond / p.callsPerSecond, 2),
        p99: round(c.p99Ms / p.p99Ms, 2),
      });
    }
    const summary = (xs: Load[]) => ({
      errors: xs.reduce((n, x) => n + x.errors, 0),
      callsPerSecond: median(xs.map((x) => x.callsPerSecond)),
      p50Ms: round(median(xs.map((x) => x.p50Ms))),
      p99Ms: round(median(xs.map((x) => x.p99Ms))),
      rssUnderLoadMb: round(median(xs.map((x) => x.rssUnderLoadMb))),
    });
    const c = summary(runs.cloudgate!);
    const p = summary(runs.plain!);
    report.load = {
      cloudgate: c,
      plain: p,
      throughputRatio: round(c.callsPerSecond / p.callsPerSecond, 2),
      p99Ratio: round(c.p99Ms / p.p99Ms, 2),
      perRound: ratios,
      runs,
    };
  }

  // 2. The memory of an idle cloudgate session (2025, the era with sessions).
  {
    const { address, pid } = servers.cloudgate!;
    await settle();
    const before = await rssMb(pid);
    const opened: RawSession[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const s = await RawSession.open(address);
      if (!(s instanceof RawSession)) {
        throw new Error(`session ${i + 1} refused: ${s.status}`);
      }
      opened.push(s);
    }
    await settle();
    const after = await rssMb(pid);
    report.idleSessions = {
      sessions: SESSIONS,
      rssBeforeMb: round(before),
      rssAfterMb: round(after),
      perSessionKb: Math.round((after - before) * 1024 / SESSIONS),
    };
    await Promise.all(opened.map((s) => s.delete()));
  }
} finally {
  await cloudgate.stop();
  await plain.stop();
}

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `HTTP under load: cloudgate vs a plain SDK v2 server (createMcpHandler), ${report.era} clients, turns alternated`,
  );
  console.log(JSON.stringify(report, null, 2));
}
