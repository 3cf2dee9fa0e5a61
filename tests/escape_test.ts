// Terminal escape injection: with the emulator's hostileText switch every
// name, status, description and error message the APIs answer with carries
// an OSC 52 clipboard write, ANSI colours, a C1 CSI and a right-to-left
// override. None of it may reach the CLI's stdout or stderr or a tool
// result's text; tables stay aligned; --json and structured content keep the
// data as the API gave it.
import assert from "node:assert/strict";
import { accountEnv, creds, itopiaKeyAuth } from "./_helpers/accounts.ts";
import { type MainRun, runMain } from "./_helpers/cli.ts";
import { tempDir } from "./_helpers/temp.ts";
import {
  CleuraSession,
  listCloudInstances,
  listDomains,
  listProjects,
  listRegions,
} from "../mod.ts";
import { cleanText } from "../lib/text.ts";
import {
  type Emulator,
  HOSTILE_TEXT,
  SPOKEN,
  startEmulator,
} from "./_helpers/emulator.ts";
import { call, memoryClient } from "./_helpers/mcp.ts";

const DOMAIN = "79b0cef45b504586ad0bf057dc4cb8b8";
const EVIL =
  "\u001b]52;c;ZXZpbA==\u0007bad \u202eroot\u202c \u009b31mred\u001b[0m \u2066x\u2069";

/** C0 controls but newline and tab, DEL, C1, and the bidirectional controls. */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function assertSafe(text: string, what: string): void {
  const found = UNSAFE.exec(text);
  assert.equal(
    found,
    null,
    `${what} holds U+${
      found?.[0].charCodeAt(0).toString(16).padStart(4, "0")
    }:\n${JSON.stringify(text)}`,
  );
}

async function cli(emu: Emulator, args: string[]): Promise<MainRun> {
  await using cache = await tempDir();
  const run = await runMain(args, accountEnv(emu, "alice"), {
    cacheDir: cache.path,
  });
  assertSafe(run.stdout, `stdout of ${args.join(" ")}`);
  assertSafe(run.stderr, `stderr of ${args.join(" ")}`);
  return run;
}

/** Where each column starts: after two spaces, or at the line's start. */
function columnStarts(line: string): number[] {
  const starts: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] === " ") continue;
    if (i === 0 || (line[i - 1] === " " && line[i - 2] === " ")) starts.push(i);
  }
  return starts;
}

function assertAligned(table: string, columns: number): void {
  const [header, ...rows] = table.split("\n");
  const starts = columnStarts(header!);
  assert.equal(starts.length, columns, header);
  assert.ok(rows.length > 0, "the table has no rows");
  for (const row of rows) {
    assert.deepEqual(columnStarts(row), starts, `misaligned:\n${table}`);
  }
}

function session(emu: Emulator): CleuraSession {
  return new CleuraSession(creds(emu, "alice"));
}

function instancesOf(emu: Emulator) {
  return listCloudInstances(itopiaKeyAuth(emu), { deploymentId: 101 });
}

/** Asserts the data is really hostile, so the other checks mean something. */
function assertHostile(data: unknown): void {
  const json = JSON.stringify(data);
  assert.ok(json.includes(JSON.stringify(HOSTILE_TEXT.before).slice(1, -1)));
  assert.ok(/\u009b/.test(json) && /\u202e/.test(json));
}

Deno.test("escapes: CLI tables show API text harmlessly and stay aligned", async () => {
  await using emu = await startEmulator({ hostileText: true });
  const regions = await listRegions(session(emu));
  const domains = await listDomains(session(emu));
  const projects = await listProjects(session(emu), { domainId: DOMAIN });
  const instances = await instancesOf(emu);
  for (const data of [regions, domains, projects, instances]) {
    assertHostile(data);
  }
  const shown = (text: unknown) =>
    cleanText(String(text), { multiline: false });

  const r = await cli(emu, ["cleura", "regions"]);
  assert.equal(r.code, 0, r.stderr);
  assertAligned(r.stdout, 5);
  for (const region of regions) {
    assert.ok(r.stdout.includes(shown(region.name)), r.stdout);
    assert.ok(r.stdout.includes(shown(region.status ?? "-")), r.stdout);
  }
  assert.ok(r.stdout.includes("Stockholm / Swedengnp.exe"), r.stdout);

  const d = await cli(emu, ["cleura", "domains"]);
  assert.equal(d.code, 0, d.stderr);
  assertAligned(d.stdout, 6);
  for (const domain of domains) {
    assert.ok(d.stdout.includes(shown(domain.area.name)), d.stdout);
  }

  const p = await cli(emu, ["cleura", "projects", "--domain", DOMAIN]);
  assert.equal(p.code, 0, p.stderr);
  assertAligned(p.stdout, 5);
  for (const project of projects) {
    assert.ok(p.stdout.includes(shown(project.name)), p.stdout);
  }

  const where = ["--region", "sto2", "--project-id", "79b0cef4p1"];
  const shoots = await cli(emu, ["cleura", "shoot", "list", ...where]);
  assert.equal(shoots.code, 0, shoots.stderr);
  assertAligned(shoots.stdout, 6);
  const shoot = await cli(emu, [
    "cleura",
    "shoot",
    "get",
    "prod-cluster",
    ...where,
  ]);
  assert.equal(shoot.code, 0, shoot.stderr);
  for (const text of [shoots.stdout, shoot.stdout]) {
    // deno-lint-ignore no-control-regex -- looking for control characters
    assert.ok(!/[\u001b\u009b\u202e]/.test(text), text);
  }

  const i = await cli(emu, ["itopia", "instances", "--deployment-id", "101"]);
  assert.equal(i.code, 0, i.stderr);
  const lines = i.stdout.split("\n");
  assert.equal(lines.at(-1), "5 instances");
  const table = lines.slice(0, -1).join("\n");
  // ID, NAME, STATUS, then three extra fields; the first has a hostile key.
  assertAligned(table, 6);
  assert.match(lines[0]!, /^ID +NAME +STATUS +NOTEGNP\.EXE +INSTANCE TYPE +/);
  for (const instance of instances) {
    assert.ok(i.stdout.includes(shown(instance.name)), i.stdout);
  }
});

Deno.test("escapes: CLI --json is safe to print and parses back to the API's data", async () => {
  await using emu = await startEmulator({ hostileText: true });
  const cases: [string[], unknown][] = [
    [["cleura", "regions", "--json"], {
      regions: await listRegions(session(emu)),
    }],
    [["cleura", "domains", "--json"], {
      domains: await listDomains(session(emu)),
    }],
    [["cleura", "projects", "--domain", DOMAIN, "--json"], {
      domainId: DOMAIN,
      projects: await listProjects(session(emu), { domainId: DOMAIN }),
    }],
    [["itopia", "instances", "--deployment-id", "101", "--json"], {
      instances: await instancesOf(emu),
      total: 5,
    }],
  ];
  for (const [args, expected] of cases) {
    assertHostile(expected);
    const run = await cli(emu, args);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.deepEqual(JSON.parse(run.stdout), expected, args.join(" "));
    // The characters are there, as escapes a terminal shows as text.
    for (const escape of ["\\u001b]52;c;", "\\u0007", "\\u009b", "\\u202e"]) {
      assert.ok(run.stdout.includes(escape), `${escape} in ${args.join(" ")}`);
    }
  }
});

Deno.test("escapes: CLI errors quote the server's message without its sequences", async () => {
  await using emu = await startEmulator({ hostileText: true });

  // On the domains call itself (on a v1-only API, a 400 from a v2 path would
  // say that path exists).
  emu.injectFault({
    path: "/domains",
    kind: "status",
    status: 400,
    message: EVIL,
  });
  const injected = await cli(emu, ["cleura", "domains"]);
  assert.equal(injected.code, 1);
  assert.equal(injected.stdout, "");
  assert.match(injected.stderr, /^error: .*bad root red x/);

  for (
    const [args, message] of [
      // (The fixture key holds "deployment"; the word is still shown.)
      [
        ["itopia", "instances", "--deployment-id", "999"],
        "Deployment not found",
      ],
      // v2 lists no projects for an unknown domain: cloudgate says so.
      ...SPOKEN === "v1"
        ? [
          [["cleura", "projects", "--domain", "nope"], "Domain not found"],
          [["cleura", "projects", "--domain", "nope", "--json"], "Domain not"],
        ] as const
        : [],
    ] as const
  ) {
    const run = await cli(emu, [...args]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr.split("\n").length, 1, run.stderr);
    assert.ok(run.stderr.startsWith("error: "), run.stderr);
    assert.ok(run.stderr.includes(message), run.stderr);
    assert.ok(run.stderr.includes("gnp.exe"), run.stderr);
  }
  if (SPOKEN === "v2") {
    const run = await cli(emu, ["cleura", "projects", "--domain", "nope"]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /^error: Cannot list the projects of domain "nope": the account has no such domain/,
    );
  }

  // Not only API text: every line the CLI writes is cleaned, arguments too.
  const usage = await cli(emu, ["cleura", `regi${EVIL}`]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^error: Unknown command "cleura regibad root/);
});

Deno.test("escapes: the default emulator answers plain text", async () => {
  await using emu = await startEmulator();
  const run = await cli(emu, ["cleura", "regions", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!run.stdout.includes("\\u"), run.stdout);
});

Deno.test("escapes: MCP tool text is clean, structured content keeps the data", async () => {
  await using emu = await startEmulator({ hostileText: true });
  await using t = await memoryClient(accountEnv(emu, "alice"));
  const cases: [string, Record<string, unknown>, unknown][] = [
    ["cleura_list_regions", {}, {
      regions: await listRegions(session(emu)),
    }],
    ["cleura_list_domains", {}, undefined],
    ["cleura_list_projects", { domainId: DOMAIN }, undefined],
    ["itopia_list_instances", { deploymentId: 101 }, {
      total: 5,
      instances: await instancesOf(emu),
    }],
  ];
  for (const [tool, args, expected] of cases) {
    const result = await call(t.client, tool, args);
    assert.equal(result.isError, false, result.text);
    assertSafe(result.text, `the text of ${tool}`);
    assertHostile(result.structured);
    assert.deepEqual(JSON.parse(result.text), result.structured, tool);
    if (expected !== undefined) {
      assert.deepEqual(result.structured, expected, tool);
    }
  }

  const missing = await call(t.client, "itopia_list_instances", {
    deploymentId: 999,
  });
  assert.equal(missing.isError, true);
  assertSafe(missing.text, "the error of itopia_list_instances");
  assert.match(missing.text, /404: .*not foundgnp\.exe$/);

  emu.injectFault({ kind: "status", status: 400, message: EVIL });
  const injected = await call(t.client, "cleura_list_domains");
  assert.equal(injected.isError, true);
  assertSafe(injected.text, "the error of cleura_list_domains");
  assert.match(injected.text, /bad root red x/);

  for (const line of t.logs) assertSafe(line, "a log notification");
});
