// Whole-process wall time of CLI commands, from spawn to exit, as a ratio
// to an empty `deno run` (a file with no code) measured in the same run.
//
// Targets: the empty file; a file that imports only `node:util`, and one
// that imports only `node:process` (what a `node:` module costs: Deno's Node
// compatibility layer); `cli.ts --version`,
// `--help`, `itopia jwt` (minted locally from ITOPIA_API_KEY, no network) and
// `cleura regions --help`; with `--before DIR` the same four commands of an
// older checkout (run with that checkout's deno.json and lock). Every process
// runs as `deno run --config <its deno.json> -A FILE ...`, with the parent's
// environment minus CLEURA_*, ITOPIA_* and CLOUDGATE_* (the jwt runs get
// ITOPIA_API_KEY and ITOPIA_ORGANIZATION_ID=42). Two warm-up runs per target
// fill Deno's module and code caches and check that each exits 0; then every
// target runs once per round, in an order rotated each round, `--runs`
// rounds. Reported: median and p90 (nearest rank), each also as a ratio to
// the empty file's.
//
//   deno run -A bench/cli_start.ts [--runs 21] [--json] [--before DIR]

import { parseFlags } from "../lib/flags.ts";

const { values } = parseFlags(Deno.args, {
  runs: { type: "string" },
  json: { type: "boolean" },
  before: { type: "string" },
}, { allowPositionals: false });
const runs = Number(values.runs ?? 21);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs N, N >= 1");

const root = new URL("..", import.meta.url).pathname;
/** The parent's environment without cloudgate's variables, keeping its Deno cache. */
const env = Object.fromEntries(
  Object.entries(Deno.env.toObject()).filter(([name]) =>
    !/^(CLEURA|ITOPIA|CLOUDGATE)_/.test(name)
  ),
);
env.DENO_DIR ??= `${env.XDG_CACHE_HOME ?? `${env.HOME}/.cache`}/deno`;
const jwtEnv = {
  ...env,
  ITOPIA_API_KEY: "bench-api-key-0123456789abcdef0123456789",
  ITOPIA_ORGANIZATION_ID: "42",
};

const dir = await Deno.makeTempDir({ prefix: "cloudgate-cli-start-" });
const empty = `${dir}/empty.ts`;
await Deno.writeTextFile(empty, "");
/** A file that imports one `node:` module and does nothing else. */
async function importing(module: string): Promise<string> {
  const file = `${dir}/${module.replace(":", "_")}.ts`;
  await Deno.writeTextFile(file, `import "${module}";\n`);
  return file;
}

interface Target {
  name: string;
  /** The checkout whose deno.json the process runs with. */
  checkout: string;
  file: string;
  args: string[];
  env: Record<string, string>;
}

function cliTargets(checkout: string, label: string): Target[] {
  const cli = `${checkout}cli.ts`;
  const target = (name: string, args: string[], e = env): Target => ({
    name: `${label}${name}`,
    checkout,
    file: cli,
    args,
    env: e,
  });
  return [
    target("cli.ts --version", ["--version"]),
    target("cli.ts --help", ["--help"]),
    target("cli.ts itopia jwt", ["itopia", "jwt"], jwtEnv),
    target("cli.ts cleura regions --help", ["cleura", "regions", "--help"]),
  ];
}

const before = values.before?.replace(/\/*$/, "/");
const targets: Target[] = [
  { name: "empty deno run", checkout: root, file: empty, args: [], env },
  ...await Promise.all(["node:util", "node:process"].map(async (module) => ({
    name: `import "${module}"`,
    checkout: root,
    file: await importing(module),
    args: [],
    env,
  }))),
  ...cliTargets(root, ""),
  ...(before ? cliTargets(before, "before: ") : []),
];

/** Runs a target once: its wall time in milliseconds. */
async function time(target: Target): Promise<number> {
  const start = performance.now();
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      `${target.checkout}deno.json`,
      "-A",
      target.file,
      ...target.args,
    ],
    env: target.env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  if (code !== 0) {
    throw new Error(
      `${target.name} exited ${code}: ${new TextDecoder().decode(stderr)}`,
    );
  }
  return ms;
}

try {
  for (const target of targets) {
    await time(target);
    await time(target);
  }
  const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (let round = 0; round < runs; round++) {
    const offset = round % targets.length;
    const order = [...targets.slice(offset), ...targets.slice(0, offset)];
    for (const target of order) {
      samples.get(target.name)!.push(await time(target));
    }
  }

  const rank = (sorted: number[], q: number) =>
    sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  const stats = targets.map((t) => {
    const sorted = samples.get(t.name)!.toSorted((a, b) => a - b);
    return { name: t.name, median: rank(sorted, 0.5), p90: rank(sorted, 0.9) };
  });
  const floor = stats[0]!;
  const rows = stats.map((s) => ({
    ...s,
    medianRatio: s.median / floor.median,
    p90Ratio: s.p90 / floor.p90,
  }));

  if (values.json) {
    console.log(
      JSON.stringify({ runs, deno: Deno.version.deno, rows }, null, 2),
    );
  } else {
    const width = Math.max(...rows.map((r) => r.name.length));
    console.log(
      `CLI start, whole process, ${runs} rounds (deno ${Deno.version.deno})`,
    );
    console.log(
      `${"target".padEnd(width)}  median ms  p90 ms  median ×empty  p90 ×empty`,
    );
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(width)}  ${r.median.toFixed(1).padStart(9)}  ${
          r.p90.toFixed(1).padStart(6)
        }  ${r.medianRatio.toFixed(2).padStart(13)}  ${
          r.p90Ratio.toFixed(2).padStart(10)
        }`,
      );
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
