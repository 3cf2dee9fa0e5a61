// The package as JSR serves it: the real `deno publish` sends it to a registry
// of our own (tests/_helpers/jsr_registry.ts, reached through JSR_URL); then,
// from a fresh DENO_DIR and an empty folder, the README's jsr: commands run as
// written (their permissions include 127.0.0.1, for the emulator), the MCP server runs as the README's client snippet and the
// Inspector snippet of docs/mcp.md run it, and a consumer script imports every entry point, type-checked and run.

import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { startEmulator } from "./_helpers/emulator.ts";
import { VERSION } from "../lib/version.ts";
import { accountEnv } from "./_helpers/accounts.ts";
import { startJsrRegistry } from "./_helpers/jsr_registry.ts";
import { INSPECTOR, toolArgs } from "./_helpers/tools.ts";
import { test } from "./_helpers/mcp.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const README = await Deno.readTextFile(`${ROOT}README.md`);

/** The sh blocks after `<!-- marker…` up to the next heading, a command per entry. */
function commandsAfter(markdown: string, marker: string): string[] {
  const start = markdown.indexOf(`<!-- ${marker}`);
  assert.ok(start >= 0, `the README has no <!-- ${marker} --> marker`);
  const section = markdown.slice(start).split(/\n## /)[0]!;
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
  );
  assert.ok(blocks.length > 0, `no sh block after <!-- ${marker} -->`);
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, "").split("\n"))
    .map((line) => line.trim()).filter((line) => line !== "");
}

/** The words bash makes of `text`. */
async function shellWords(text: string): Promise<string[]> {
  const out = await new Deno.Command("bash", {
    args: ["-c", `printf '%s\\0' ${text}`],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\0").slice(0, -1);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function bash(
  command: string,
  cwd: string,
  env: Record<string, string>,
): Promise<Run> {
  const out = await new Deno.Command("bash", {
    args: ["-c", command],
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

test("the package as JSR serves it: published by deno publish, then run from jsr: as the README says", async (t) => {
  await using emu = await startEmulator();
  const registry = startJsrRegistry();
  const scratch = await Deno.makeTempDir({ prefix: "cloudgate-jsr-" });
  try {
    const folder = `${scratch}/empty folder`;
    const root = `${scratch}/install root`;
    await Deno.mkdir(folder);
    await Deno.mkdir(`${scratch}/home`);
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      ...accountEnv(emu, "alice", { ITOPIA_DEPLOYMENT_ID: "101" }),
      JSR_URL: registry.url,
      DENO_DIR: `${scratch}/deno dir`,
      DENO_INSTALL_ROOT: root,
      HOME: `${scratch}/home`,
      XDG_CACHE_HOME: `${scratch}/home/.cache`,
      XDG_CONFIG_HOME: `${scratch}/home/.config`,
      PATH: `${root}/bin:${Deno.env.get("PATH") ?? ""}`,
      NO_COLOR: "1",
    };

    await t.step(
      "deno publish sends the package, without what consumers never read",
      async () => {
        const out = await bash(
          `deno publish --token ${registry.token} --no-provenance --allow-dirty`,
          ROOT,
          { ...Deno.env.toObject(), JSR_URL: registry.url, NO_COLOR: "1" },
        );
        assert.equal(out.code, 0, out.stderr);
        const published = registry.published.get(
          `@cloudgate/toolkit@${VERSION}`,
        );
        assert.ok(published, [...registry.published.keys()].join());
        const files = [...published.files.keys()];
        for (
          const left of [
            "/deno.lock",
            "/tests/",
            "/bench/",
            "/scripts/",
            "/.ci/",
          ]
        ) {
          assert.ok(
            !files.some((f) => f.startsWith(left)),
            `the package holds ${left}`,
          );
        }
        // Every relative link jsr.io shows on the README page resolves in it.
        for (const [, target] of README.matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)) {
          assert.ok(
            files.includes(`/${target}`),
            `README links ${target}, not in the package`,
          );
        }
      },
    );

    await t.step("the README's jsr: commands, as written", async () => {
      const commands = commandsAfter(README, "jsr-commands");
      assert.ok(commands.length >= 5, commands.join("\n"));
      for (const command of commands) {
        const out = await bash(command, folder, env);
        assert.equal(out.code, 0, `${command}\n${out.stderr}`);
        if (command.endsWith("--help")) assert.match(out.stdout, /^Usage: /m);
        if (command.endsWith("cleura regions")) {
          assert.match(out.stdout, /sto2/i);
        }
        if (command.endsWith("--version")) {
          assert.equal(out.stdout.trim(), `cloudgate ${VERSION}`);
        }
      }
      assert.deepEqual(await Array.fromAsync(Deno.readDir(folder)), []);
    });

    await t.step("the installed commands run from PATH", async () => {
      const instances = await bash(
        "cloudgate itopia instances -o json",
        folder,
        env,
      );
      assert.equal(instances.code, 0, instances.stderr);
      assert.equal(JSON.parse(instances.stdout).instances.length, 5);
      const mcp = await bash("cloudgate-mcp --version", folder, env);
      assert.equal(
        mcp.stdout.trim(),
        `cloudgate MCP server ${VERSION}`,
        mcp.stderr,
      );
    });

    await t.step(
      "the MCP server from jsr:, as the README's client snippet runs it, lists and calls tools",
      async () => {
        const [snippet] = commandsAfter(README, "jsr-client");
        const words = await shellWords(snippet!.split(" -- ")[1]!);
        assert.equal(words[0], "deno");
        // The other clients' snippets (docs/mcp.md) run the same arguments.
        const docs = await Deno.readTextFile(`${ROOT}docs/mcp.md`);
        const jsonArgs = [...docs.matchAll(/"args": (\[[^\]]*\])/g)].map((m) =>
          JSON.parse(m[1]!)
        );
        assert.ok(jsonArgs.length >= 3);
        for (const args of jsonArgs) assert.deepEqual(args, words.slice(1));
        const client = new Client({ name: "jsr-test", version: "1" });
        await client.connect(
          new StdioClientTransport({
            command: Deno.execPath(),
            args: words.slice(1),
            cwd: folder,
            env,
            stderr: "ignore",
          }),
        );
        try {
          const { tools } = await client.listTools();
          assert.ok(tools.some((tool) => tool.name === "cleura_list_regions"));
          const result = await client.callTool({
            name: "cleura_list_regions",
            arguments: {},
          });
          assert.notEqual(result.isError, true, JSON.stringify(result));
          assert.match(JSON.stringify(result.structuredContent), /sto2/i);
        } finally {
          await client.close();
        }
      },
    );

    await t.step(
      "the MCP Inspector CLI runs the server from jsr: as docs/mcp.md writes it",
      async () => {
        const docs = await Deno.readTextFile(`${ROOT}docs/mcp.md`);
        const [snippet] = commandsAfter(docs, "inspector-snippet");
        // As the user's shell expands it, with the emulator's key.
        const words = await shellWords(
          snippet!.replace('"$ITOPIA_API_KEY"', `"${env.ITOPIA_API_KEY}"`),
        );
        assert.deepEqual(words.slice(0, 3), [
          "npx",
          "@modelcontextprotocol/inspector",
          "--cli",
        ]);
        // The Inspector hands the server only its own few variables and the
        // -e ones: the registry, the cache, the home and the emulator come the
        // same way (the Inspector itself runs from the tests' own cache).
        const extra = ["JSR_URL", "DENO_DIR", "HOME", "ITOPIA_API_URL"].flatMap(
          (
            name,
          ) => ["-e", `${name}=${env[name]}`],
        );
        const inspect = async (...method: string[]) => {
          const args = [...words.slice(3, -1), ...method];
          const out = await new Deno.Command(Deno.execPath(), {
            args: toolArgs(INSPECTOR, "--cli", ...extra, ...args),
            cwd: folder,
            env: { ...Deno.env.toObject(), NO_COLOR: "1" },
            stdin: "null",
            stdout: "piped",
            stderr: "piped",
            signal: AbortSignal.timeout(120_000),
          }).output();
          const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
          assert.equal(out.code, 0, text(out.stderr));
          return JSON.parse(text(out.stdout));
        };
        assert.equal(words.at(-1), "tools/list");
        const { tools } = await inspect("tools/list");
        assert.ok(
          tools.some((tool: { name: string }) =>
            tool.name === "itopia_list_instances"
          ),
        );
        const called = await inspect(
          "tools/call",
          "--tool-name",
          "itopia_list_instances",
          "--tool-arg",
          "deploymentId=101",
        );
        assert.notEqual(called.isError, true, JSON.stringify(called));
        assert.equal(called.structuredContent.instances.length, 5);
      },
    );

    await t.step(
      "a consumer script imports every entry point, type-checked and run",
      async () => {
        await Deno.writeTextFile(
          `${folder}/consumer.ts`,
          `import { CleuraSession, listRegions } from "jsr:@cloudgate/toolkit";
import { listDomains } from "jsr:@cloudgate/toolkit/cleura";
import { ItopiaAuth, listCloudInstances } from "jsr:@cloudgate/toolkit/itopia";
import { EMULATOR_FIXTURES, startEmulator } from "jsr:@cloudgate/toolkit/testing";

await using emu = await startEmulator();
const session = new CleuraSession({ apiUrl: emu.cleuraUrl, login: "alice", password: "alice-password" });
const regions: string[] = (await listRegions(session)).map((r) => r.region);
const domains = await listDomains(session);
const auth = new ItopiaAuth({
  apiUrl: emu.itopiaUrl,
  apiKey: EMULATOR_FIXTURES.itopiaApiKeys[0]!.key,
  organizationId: 42,
});
const instances = await listCloudInstances(auth, { deploymentId: 101 });
console.log(JSON.stringify({ regions: regions.length, domains: domains.length, instances: instances.length }));
`,
        );
        const check = await bash("deno check consumer.ts", folder, env);
        assert.equal(check.code, 0, check.stderr);
        const run = await bash(
          "deno run -q --allow-net=127.0.0.1 consumer.ts",
          folder,
          env,
        );
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), {
          regions: 3,
          domains: 3,
          instances: 5,
        });
      },
    );

    await t.step(
      "a release younger than 24 hours is refused unless --minimum-dependency-age=0, as the README says",
      async () => {
        assert.match(README, /--minimum-dependency-age=0/);
        registry.setCreatedAt(new Date());
        const fresh = { ...env, DENO_DIR: `${scratch}/fresh deno dir` };
        const refused = await bash(
          "deno run -q jsr:@cloudgate/toolkit/cli --version",
          folder,
          fresh,
        );
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /minimum dependency/);
        const allowed = await bash(
          "deno run -q --minimum-dependency-age=0 jsr:@cloudgate/toolkit/cli --version",
          folder,
          fresh,
        );
        assert.equal(
          allowed.stdout.trim(),
          `cloudgate ${VERSION}`,
          allowed.stderr,
        );
      },
    );
  } finally {
    await registry.close();
    await Deno.remove(scratch, { recursive: true });
  }
});
