// A new user's first MCP start: the server run with an empty Deno cache
// (DENO_DIR), as the README's client snippets run it, timed from spawn to the
// `tools/list` answer of a 2025 opening; then what the cache holds (bytes,
// npm packages), and the same after the first tool call, which loads the SDK.
// Each round starts from a new, empty DENO_DIR; the npm registry must be
// reachable.
//
//   deno run -A bench/first_run.ts [--runs 3] [--json]

import { parseArgs } from "node:util";
import { Answers } from "./_answers.ts";

const { values } = parseArgs({
  options: { runs: { type: "string" }, json: { type: "boolean" } },
});
const runs = Number(values.runs ?? 3);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs N, N >= 1");
const root = new URL("..", import.meta.url).pathname;

const OPENING = [
  {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "first-run", version: "1" },
    },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 1, method: "tools/list" },
];
const CALL = {
  jsonrpc: "2.0",
  id: 2,
  method: "tools/call",
  params: { name: "itopia_mint_jwt", arguments: {} },
};

/** Bytes and npm packages under a folder. */
async function cacheSize(dir: string): Promise<{ bytes: number; npm: number }> {
  let bytes = 0;
  let npm = 0;
  async function walk(path: string, depth: number): Promise<void> {
    for await (const entry of Deno.readDir(path)) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) {
        // npm/registry.npmjs.org/<name>/<version> or .../@scope/<name>/<version>
        if (/\/npm\/registry\.npmjs\.org\/(@[^/]+\/)?[^/@][^/]*$/.test(path)) {
          npm++;
        }
        await walk(child, depth + 1);
      } else if (entry.isFile) {
        bytes += (await Deno.lstat(child)).size;
      }
    }
  }
  await walk(dir, 0);
  return { bytes, npm };
}

interface Round {
  listMs: number;
  listCache: { bytes: number; npm: number };
  callMs: number;
  callCache: { bytes: number; npm: number };
}

async function round(): Promise<Round> {
  const denoDir = await Deno.makeTempDir({ prefix: "first_run_" });
  try {
    const env = Object.fromEntries(
      Object.entries(Deno.env.toObject()).filter(([name]) =>
        !/^(CLEURA|ITOPIA|CLOUDGATE|DENO_DIR)/.test(name)
      ),
    );
    const started = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        `${root}deno.json`,
        "-P=mcp",
        `${root}mcp/server.ts`,
      ],
      cwd: root,
      env: { ...env, DENO_DIR: denoDir },
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    const answers = new Answers(child.stdout, started);
    await writer.write(
      new TextEncoder().encode(
        OPENING.map((m) => `${JSON.stringify(m)}\n`).join(""),
      ),
    );
    const listMs = (await answers.answer(1)).at;
    const listCache = await cacheSize(denoDir);
    const callStarted = performance.now();
    await writer.write(new TextEncoder().encode(`${JSON.stringify(CALL)}\n`));
    const callMs = (await answers.answer(2)).at - (callStarted - started);
    const callCache = await cacheSize(denoDir);
    await writer.close();
    await answers.cancel();
    await child.status;
    return { listMs, listCache, callMs, callCache };
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
}

const rounds: Round[] = [];
for (let i = 0; i < runs; i++) rounds.push(await round());
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[xs.length >> 1]!;
const lock = JSON.parse(await Deno.readTextFile(`${root}deno.lock`));
const report = {
  lockNpmPackages: Object.keys(lock.npm ?? {}).length,
  runs,
  toolsListMs: median(rounds.map((r) => r.listMs)),
  toolsListMaxMs: Math.max(...rounds.map((r) => r.listMs)),
  cacheAtToolsListMB: median(rounds.map((r) => r.listCache.bytes)) / 1e6,
  npmPackagesAtToolsList: median(rounds.map((r) => r.listCache.npm)),
  firstCallMs: median(rounds.map((r) => r.callMs)),
  cacheAfterFirstCallMB: median(rounds.map((r) => r.callCache.bytes)) / 1e6,
  npmPackagesAfterFirstCall: median(rounds.map((r) => r.callCache.npm)),
};
if (values.json) console.log(JSON.stringify({ report, rounds }, null, 2));
else {
  console.log(
    `first MCP start, empty DENO_DIR (${runs} rounds, median; lock: ${report.lockNpmPackages} npm packages)`,
  );
  console.log(
    `  to the tools/list answer: ${report.toolsListMs.toFixed(0)} ms (max ${
      report.toolsListMaxMs.toFixed(0)
    }); cache then ${
      report.cacheAtToolsListMB.toFixed(1)
    } MB, ${report.npmPackagesAtToolsList} npm packages`,
  );
  console.log(
    `  first tool call: ${report.firstCallMs.toFixed(0)} ms more; cache then ${
      report.cacheAfterFirstCallMB.toFixed(1)
    } MB, ${report.npmPackagesAfterFirstCall} npm packages`,
  );
}
