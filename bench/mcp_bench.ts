// Whole-path MCP figures against the emulator, through SDK v2 clients:
// tool-call overhead (MCP vs the direct library call vs a raw fetch; over
// stdio in both protocol eras), a page of a 10,000-instance deployment,
// and logins and SMS under concurrent tool calls. (The stdio server's idle
// memory is in bench/idle_rss.ts.)
//
//   deno run -A --config tests/tools/deno.json bench/mcp_bench.ts [--json]

import { parseArgs } from "node:util";
import { startEmulator } from "../lib/testing/mod.ts";
import { cleuraEnv, itopiaEnv } from "../tests/_helpers/accounts.ts";
import { ItopiaAuth, listCloudInstances } from "../mod.ts";
import { call, memoryClient, stdioClient } from "../tests/_helpers/mcp.ts";

const { values } = parseArgs({
  options: { json: { type: "boolean" }, runs: { type: "string" } },
});
const RUNS = Number(values.runs ?? 200);
const KEY = "emulator-key-org-42-all-deployments";
const report: Record<string, unknown> = {};

function stats(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { median: round(at(0.5)), p95: round(at(0.95)) };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

await using emu = await startEmulator({
  deployments: [
    { id: 101, organizationId: 42, instanceCount: 5 },
    { id: 110, organizationId: 42, instanceCount: 10_000 },
  ],
});
const env = { ...cleuraEnv(emu, "bob"), ...itopiaEnv(emu) };
delete env.ITOPIA_DEPLOYMENT_ID;

// 1. Tool-call overhead, small deployment: raw fetch vs lib vs MCP (in-process and stdio).
{
  const auth = new ItopiaAuth({
    apiUrl: emu.itopiaUrl,
    apiKey: KEY,
    organizationId: 42,
    deploymentId: 101,
  });
  const token = await auth.token();
  const url = `${emu.itopiaUrl}/deployments/101/cloudInstances`;
  const raw = () =>
    fetch(url, { headers: { Authorization: `Bearer ${token}` } }).then((r) =>
      r.json()
    );
  const lib = () => listCloudInstances(auth, { deploymentId: 101 });
  await using memory = await memoryClient(env);
  await using stdio = await stdioClient(env);
  await using stdio2026 = await stdioClient(env, undefined, { era: "pin" });
  const args = { deploymentId: 101 };
  const fns: Record<string, () => Promise<unknown>> = {
    raw,
    lib,
    mcpInProcess: () => call(memory.client, "itopia_list_instances", args),
    mcpStdio: () => call(stdio.client, "itopia_list_instances", args),
    mcpStdio2026: () => call(stdio2026.client, "itopia_list_instances", args),
  };
  const samples: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(fns)) {
    samples[name] = [];
    for (let i = 0; i < 20; i++) {
      await fn();
    }
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of Object.entries(fns)) {
      samples[name]!.push(await time(fn));
    }
  }
  const s = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, stats(v)]),
  );
  report.toolCallMs = s;
  report.mcpOverheadOverLibMedianMs = {
    inProcess: Math.round((s.mcpInProcess!.median - s.lib!.median) * 1000) /
      1000,
    stdio: Math.round((s.mcpStdio!.median - s.lib!.median) * 1000) / 1000,
    stdio2026: Math.round((s.mcpStdio2026!.median - s.lib!.median) * 1000) /
      1000,
  };
}

// 2. A page of a 10,000-instance deployment.
{
  const auth = new ItopiaAuth({
    apiUrl: emu.itopiaUrl,
    apiKey: KEY,
    organizationId: 42,
    deploymentId: 110,
  });
  const token = await auth.token();
  const url = `${emu.itopiaUrl}/deployments/110/cloudInstances`;
  await using memory = await memoryClient(env);
  const fetchOnly: number[] = [];
  const tool: number[] = [];
  let textBytes = 0;
  for (let i = 0; i < 25; i++) {
    fetchOnly.push(
      await time(() =>
        fetch(url, { headers: { Authorization: `Bearer ${token}` } }).then((
          r,
        ) => r.text())
      ),
    );
    tool.push(
      await time(async () => {
        const result = await call(memory.client, "itopia_list_instances", {
          deploymentId: 110,
        });
        textBytes = new TextEncoder().encode(result.text).length;
      }),
    );
  }
  const f = stats(fetchOnly);
  const t = stats(tool);
  report.page10k = {
    fetchMs: f,
    toolMs: t,
    beyondFetchMedianMs: Math.round((t.median - f.median) * 1000) / 1000,
    resultTextBytes: textBytes,
  };
}

// 3. Logins and SMS under concurrent tool calls: in process (2025 era), and
// over stdio in each era.
{
  const rows: Record<string, unknown>[] = [];
  for (const via of ["inProcess2025", "stdio2025", "stdio2026"] as const) {
    for (const n of [20, 100]) {
      emu.reset();
      let asked = 0;
      const elicit = () => {
        asked++;
        return Promise.resolve({
          action: "accept" as const,
          content: { code: emu.lastSmsCode("bob")! },
        });
      };
      await using t = via === "inProcess2025"
        ? await memoryClient(env, elicit)
        : await stdioClient(env, elicit, {
          era: via === "stdio2025" ? "legacy" : "pin",
        });
      const results = await Promise.all(
        Array.from({ length: n }, () => call(t.client, "cleura_list_regions")),
      );
      rows.push({
        via,
        concurrentCalls: n,
        errors: results.filter((r) => r.isError).length,
        logins: emu.counters.cleuraLogins,
        smsSent: emu.counters.smsSent,
        elicitations: asked,
      });
    }
  }
  report.concurrency = rows;
}

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log("MCP figures against the emulator (ms; median and p95)");
  console.log(JSON.stringify(report, null, 2));
}
