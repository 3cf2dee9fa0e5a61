// `cli.ts emulator`, then, in other processes, the CLI and the MCP server
// against it with the export lines it printed, as the README's session shows.

import assert from "node:assert/strict";
import { CLI, runMain } from "./_helpers/cli.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { smsLine } from "../cli/emulator.ts";
import { childEnv, stdioClient, test } from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const README = await Deno.readTextFile(`${ROOT}README.md`);

/** Reads stdout lines as they come. */
class Lines {
  #buffer = "";
  #reader: ReadableStreamDefaultReader<string>;
  all: string[] = [];
  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }
  /**
   * The first line (from now on) that matches, or fails at the end or after
   * `ms` (naming the lines so far), so that a stuck child fails the test
   * instead of hanging it.
   */
  async until(pattern: RegExp, ms = 60_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        this.all.push(line);
        if (pattern.test(line)) return line;
        continue;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), deadline - Date.now());
      });
      const chunk = await Promise.race([this.#reader.read(), late]);
      clearTimeout(timer);
      if (chunk === "late" || chunk.done) {
        throw new Error(
          `no line matched ${pattern}${
            chunk === "late" ? ` in ${ms} ms` : ""
          }: ${this.all.join("\n")}`,
        );
      }
      this.#buffer += chunk.value;
    }
  }
  async rest(): Promise<string> {
    let text = this.#buffer;
    for (;;) {
      const chunk = await this.#reader.read();
      if (chunk.done) return text;
      text += chunk.value;
    }
  }
}

function cli(
  args: string[],
  env: Record<string, string>,
  stdin: "null" | "piped" = "null",
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=cli", "--config", `${ROOT}deno.json`, CLI, ...args],
    env: childEnv(env),
    clearEnv: true,
    stdin,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finished(
  child: Deno.ChildProcess,
): Promise<{ code: number; out: string; err: string }> {
  const out = await child.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, out: text(out.stdout), err: text(out.stderr) };
}

test("cli.ts emulator prints the README's session; the CLI and the MCP server work against it from other processes; Ctrl-C stops it with exit 0", async () => {
  await using home = await tempDir();
  const emulator = cli(["emulator"], { HOME: home.path });
  const lines = new Lines(emulator.stdout);
  try {
    await lines.until(/^#\s+region sto2/);
    // The README's session, but for the port.
    const block = README.split("<!-- emulator-session")[1]!.split(
      "```console\n",
    )[1]!
      .split("```")[0]!.split("\n").filter((l) =>
        l.startsWith("#") || l.startsWith("export")
      );
    const shown = lines.all.map((l) =>
      l.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:41117")
    );
    for (const line of block.filter((l) => !l.startsWith("# SMS"))) {
      assert.ok(
        shown.includes(line),
        `the emulator did not print the README's "${line}"`,
      );
    }

    const env: Record<string, string> = {
      HOME: home.path,
      XDG_CACHE_HOME: `${home.path}/cache`,
    };
    for (const line of lines.all.filter((l) => l.startsWith("export "))) {
      for (const pair of line.slice("export ".length).split(" ")) {
        const [name, value] = pair.split("=") as [string, string];
        env[name] = value;
      }
    }
    const regions = await finished(cli(["cleura", "regions"], env));
    assert.equal(regions.code, 0, regions.err);
    assert.match(regions.out, /sto2/i);
    const instances = await finished(cli(["itopia", "instances"], env));
    assert.equal(instances.code, 0, instances.err);
    assert.match(instances.out, /5 instances/);

    // bob's login: the SMS code is the one the emulator printed.
    const login = cli(
      ["cleura", "login"],
      {
        ...env,
        CLEURA_API_USERNAME: "bob",
        CLEURA_API_PASSWORD: "bob-password",
      },
      "piped",
    );
    const sms = await lines.until(/^# SMS to bob: \d{6}$/).catch(
      async (error) => {
        login.kill("SIGKILL");
        const out = await finished(login);
        throw new Error(`${error.message}\nthe login's stderr: ${out.err}`);
      },
    );
    const writer = login.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`${sms.split(": ")[1]}\n`));
    await writer.close();
    // Bounded: a login stuck on its stdin is killed and fails the test.
    const stuck = setTimeout(() => login.kill("SIGKILL"), 60_000);
    const loggedIn = await finished(login).finally(() => clearTimeout(stuck));
    assert.equal(loggedIn.code, 0, loggedIn.err);

    const mcp = await stdioClient(env);
    try {
      const result = await mcp.client.callTool({
        name: "cleura_list_regions",
        arguments: {},
      });
      assert.notEqual(result.isError, true, JSON.stringify(result));
      assert.match(JSON.stringify(result.structuredContent), /sto2/i);
    } finally {
      await mcp.client.close();
    }
  } finally {
    emulator.kill("SIGINT");
  }
  const rest = await lines.rest();
  const status = await emulator.status;
  const stderr = new TextDecoder().decode(
    (await new Response(emulator.stderr).arrayBuffer()) as ArrayBuffer,
  );
  assert.equal(status.code, 0, rest + stderr);
  assert.equal(stderr, "");
});

Deno.test("cli.ts emulator --port refuses a bad port, naming the flag", async () => {
  const run = await finished(cli(["emulator", "--port", "70000"], {}));
  assert.equal(run.code, 2);
  assert.match(
    run.err,
    /^error: --port must be a whole number from 0 to 65535, got "70000"$/m,
  );
});

Deno.test("the testing entry point, run as a program, is the emulator command", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", `${ROOT}lib/testing/mod.ts`, "--help"],
    env: childEnv({}),
    stdin: "null",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(
    new TextDecoder().decode(out.stdout),
    /^Usage: cloudgate emulator \[--port N\] \[--cleura both\|v2\|v1\]$/m,
  );
});

Deno.test("cloudgate emulator --cleura v1 serves v1 alone, as a one-generation installation; a bad value is named", async () => {
  const child = cli(["emulator", "--port", "0", "--cleura", "v1"], {});
  const lines = new Lines(child.stdout);
  const header = await lines.until(/^# cloudgate emulator of Cleura/);
  assert.match(header, /^# cloudgate emulator of Cleura \(v1\) and itopia on /);
  const url = (await lines.until(/^export CLEURA_API_URL=/)).split("=")[1]!;
  const post = (path: string) =>
    fetch(`${url}${path}`, {
      method: "POST",
      body: JSON.stringify({ login: "alice", password: "alice-password" }),
    }).then(async (r) => (await r.body?.cancel(), r.status));
  assert.equal(await post("/auth/v2/tokens"), 404);
  assert.notEqual(await post("/auth/v1/tokens"), 404);
  child.kill("SIGINT");
  await lines.rest();
  assert.equal((await child.status).code, 0);
  await child.stderr.cancel();
  const bad = await finished(cli(["emulator", "--cleura", "v3"], {}));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^error: --cleura must be both, v2 or v1, got "v3"$/m);
});

Deno.test("the emulator prints an SMS code with a leading zero as its six digits, and the CLI takes them (was: 5 digits, 1 code in 10)", async () => {
  assert.equal(smsLine({ login: "bob", code: 52944 }), "# SMS to bob: 052944");
  assert.equal(smsLine({ login: "bob", code: 7 }), "# SMS to bob: 000007");
  await using emu = await startEmulator({ smsCode: () => 52944 });
  await using dir = await tempDir();
  const run = await runMain(["cleura", "login"], {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: "bob",
    CLEURA_API_PASSWORD: "bob-password",
  }, { stdin: ["052944"], cacheDir: dir.path });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(emu.counters.smsSent, 1);
});
