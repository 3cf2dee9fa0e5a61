// The HTTP server under load, as a separate process (`mcp/server.ts --http`):
// 64 concurrent 2025 clients (SDK v2 `Client` over Streamable HTTP, one
// session each, the one bearer token) making 30 `itopia_mint_jwt` calls each:
// throughput, p50/p99 latency, errors; and the memory of an idle session, the
// growth of the server's VmRSS over 128 sessions opened with `initialize`
// alone, divided by 128.
//
//   deno run -A --config tests/tools/deno.json bench/http_load.ts [--json]

import { parseArgs } from "node:util";
import { startEmulator } from "../lib/testing/mod.ts";
import { itopiaEnv } from "../tests/_helpers/accounts.ts";
import { call, childEnv, httpClient, SERVER } from "../tests/_helpers/mcp.ts";
import { RawSession } from "../tests/_helpers/raw_session.ts";

const { values } = parseArgs({
  options: {
    json: { type: "boolean" },
    clients: { type: "string" },
    calls: { type: "string" },
    sessions: { type: "string" },
  },
});
const CLIENTS = Number(values.clients ?? 64);
const CALLS = Number(values.calls ?? 30);
const SESSIONS = Number(values.sessions ?? 128);
const TOKEN = "bench-token-0123456789abcdef";

await using emu = await startEmulator();
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-env",
    SERVER,
    "--http",
    "--port",
    "0",
  ],
  env: childEnv({ ...itopiaEnv(emu), CLOUDGATE_MCP_TOKEN: TOKEN }),
  clearEnv: true,
  stdin: "null",
  stdout: "null",
  stderr: "piped",
}).spawn();
const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
let stderr = "";
while (!/listening on \S+\/mcp/.test(stderr)) {
  const { value, done } = await reader.read();
  if (done) throw new Error(`the server did not start: ${stderr}`);
  stderr += value;
}
const url = /listening on (\S+)\/mcp/.exec(stderr)![1]!;
const server = { url, token: TOKEN };

async function rssMb(): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
}
const settle = () => new Promise((r) => setTimeout(r, 1000));
const round = (x: number, digits = 1) =>
  Math.round(x * 10 ** digits) / 10 ** digits;
const report: Record<string, unknown> = {};

try {
  // Warm up: load the SDK and the tools, as the first tool call does.
  {
    await using t = await httpClient(server);
    await call(t.client, "itopia_mint_jwt");
  }

  // 1. The memory of an idle session.
  {
    await settle();
    const before = await rssMb();
    const opened: RawSession[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const s = await RawSession.open(server);
      if (!(s instanceof RawSession)) {
        throw new Error(`session ${i + 1} refused: ${s.status}`);
      }
      opened.push(s);
    }
    await settle();
    const after = await rssMb();
    report.idleSessions = {
      sessions: SESSIONS,
      rssBeforeMb: round(before),
      rssAfterMb: round(after),
      perSessionKb: Math.round((after - before) * 1024 / SESSIONS),
    };
    await Promise.all(opened.map((s) => s.delete()));
  }

  // 2. Concurrent clients, each with its own session.
  {
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => httpClient(server)),
    );
    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    await Promise.all(clients.map(async (c) => {
      for (let i = 0; i < CALLS; i++) {
        const t0 = performance.now();
        try {
          const r = await call(c.client, "itopia_mint_jwt");
          if (r.isError) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const rssUnderLoad = await rssMb();
    await Promise.all(clients.map((c) => c[Symbol.asyncDispose]()));
    const sorted = latencies.toSorted((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    report.load = {
      clients: CLIENTS,
      callsEach: CALLS,
      calls: latencies.length,
      errors,
      seconds: round(seconds, 2),
      callsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: round(at(0.5)),
      p99Ms: round(at(0.99)),
      rssUnderLoadMb: round(rssUnderLoad),
    };
  }
} finally {
  child.kill("SIGTERM");
  await child.status;
  await reader.cancel().catch(() => {});
}

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log("HTTP server under load (a separate process, 2025 sessions)");
  console.log(JSON.stringify(report, null, 2));
}
