// The CLI in a shell: completion scripts written from the command
// declarations, output formats, and the messages of a mistyped command line.

import assert from "node:assert/strict";
import { load } from "js-yaml";
import { runMain } from "./_helpers/cli.ts";
import { tempDir } from "./_helpers/temp.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { CLEURA } from "../cli/cleura.ts";
import { ITOPIA } from "../cli/itopia.ts";
import { COMMON_OPTIONS } from "../cli/args.ts";
import { cleuraEnv, itopiaOrgEnv } from "./_helpers/accounts.ts";

/** What bash completes after `words` (the last one being typed). */
async function complete(script: string, words: string[]): Promise<string[]> {
  await using dir = await tempDir();
  const file = `${dir.path}/cloudgate.bash`;
  await Deno.writeTextFile(file, script);
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const { stdout, code } = await new Deno.Command("bash", {
    args: [
      "-c",
      `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${
        words.length - 1
      }; _cloudgate; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    stdout: "piped",
  }).output();
  assert.equal(code, 0);
  return new TextDecoder().decode(stdout).split("\n").filter((l) => l);
}

Deno.test("cli.ts completion bash completes every command, subcommand, option and choice", async () => {
  const { code, stdout } = await runMain(["completion", "bash"], {});
  assert.equal(code, 0);
  assert.deepEqual(
    (await complete(stdout, ["cli.ts", ""])).sort(),
    ["--help", "--version", "cleura", "completion", "emulator", "itopia"],
  );
  assert.deepEqual(await complete(stdout, ["cli.ts", "emulator", "--"]), [
    "--port",
  ]);
  const firstWords = [
    ...new Set(CLEURA.commands.map((c) => c.name.split(" ")[0]!)),
  ];
  assert.deepEqual(
    (await complete(stdout, ["cli.ts", "cleura", ""])).sort(),
    firstWords.sort(),
  );
  assert.deepEqual(
    (await complete(stdout, ["cli.ts", "cleura", "shoot", ""])).sort(),
    ["get", "hibernate", "kubeconfig", "list", "wake"],
  );
  // Every option of every command, the common ones too, even after the
  // positional argument and a flag's value.
  for (const api of [CLEURA, ITOPIA]) {
    for (const command of api.commands) {
      const words = ["cli.ts", api.name, ...command.name.split(" ")];
      if (command.args) words.push("my-cluster");
      const offered = await complete(stdout, [...words, "--"]);
      for (
        const name of Object.keys({ ...command.options, ...COMMON_OPTIONS })
      ) {
        assert.ok(
          offered.includes(`--${name}`),
          `${words.join(" ")} --${name}`,
        );
      }
    }
  }
  assert.deepEqual(
    await complete(stdout, ["cli.ts", "cleura", "regions", "-o", ""]),
    ["table", "json", "yaml"],
  );
  assert.deepEqual(
    (await complete(stdout, [
      "cli.ts",
      "cleura",
      "shoot",
      "get",
      "--region",
      "sto2",
      "x",
      "--pro",
    ])).sort(),
    ["--profile", "--project-id"],
  );
  assert.deepEqual(
    await complete(stdout, ["cli.ts", "completion", ""]),
    ["bash", "zsh", "fish"],
  );
});

Deno.test("cli.ts completion zsh and fish name every command and option", async () => {
  for (const shell of ["zsh", "fish"]) {
    const { code, stdout } = await runMain(["completion", shell], {});
    assert.equal(code, 0);
    for (const api of [CLEURA, ITOPIA]) {
      for (const command of api.commands) {
        for (const word of command.name.split(" ")) {
          assert.ok(stdout.includes(`'${word}`), `${shell}: ${word}`);
        }
        for (const name of Object.keys(command.options)) {
          assert.ok(
            stdout.includes(shell === "fish" ? `-l ${name}` : `'--${name}:`),
            `${shell}: ${command.name} --${name}`,
          );
        }
      }
    }
  }
  assert.match(
    (await runMain(["completion", "fish"], {})).stdout,
    /^complete -c cloudgate /m,
  );
  assert.match(
    (await runMain(["completion", "zsh"], {})).stdout,
    /^#compdef cloudgate cli\.ts$/m,
  );
});

Deno.test("cli.ts completion without a known shell is a usage error", async () => {
  for (
    const args of [["completion"], ["completion", "powershell"], [
      "completion",
      "bash",
      "x",
    ]]
  ) {
    const run = await runMain(args, {});
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^error: Usage: cloudgate completion bash\|zsh\|fish/,
    );
  }
});

Deno.test("-o json, -o yaml and --json print the same data; -o table is the default", async () => {
  await using emu = await startEmulator();
  await using cache = await tempDir();
  const env = cleuraEnv(emu, "alice");
  const run = (...args: string[]) =>
    runMain(["cleura", "regions", ...args], env, { cacheDir: cache.path });
  const json = JSON.parse((await run("-o", "json")).stdout);
  assert.deepEqual(JSON.parse((await run("--json")).stdout), json);
  assert.deepEqual(JSON.parse((await run("--output=json")).stdout), json);
  const yaml = await run("-o", "yaml");
  assert.equal(yaml.code, 0);
  assert.deepEqual(load(yaml.stdout), json);
  assert.ok(json.regions.length > 0 && "domainId" in json.regions[0]);
  assert.match((await run()).stdout, /^REGION\s+NAME\s+STATUS/);
  assert.equal((await run("-o", "table")).stdout, (await run()).stdout);
  const bad = await run("-o", "xml");
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    'error: --output must be "table", "json" or "yaml", got "xml"',
  );
});

Deno.test("itopia commands take -o yaml too", async () => {
  await using emu = await startEmulator();
  const env = { ...itopiaOrgEnv(emu), ITOPIA_DEPLOYMENT_ID: "101" };
  const run = await runMain(["itopia", "instances", "-o", "yaml"], env);
  assert.equal(run.code, 0, run.stderr);
  const data = load(run.stdout) as { instances: unknown[]; total: number };
  assert.equal(data.total, data.instances.length);
});

Deno.test("an unexpected argument is named, and a help says what -o json prints", async () => {
  const extra = await runMain(["cleura", "regions", "sto2"], {});
  assert.equal(extra.code, 2);
  assert.equal(
    extra.stderr,
    'error: Unexpected argument "sto2": the command takes none (see: cloudgate cleura regions --help)',
  );
  const two = await runMain(["cleura", "shoot", "get", "a", "b"], {});
  assert.equal(
    two.stderr,
    'error: Unexpected argument "b" (see: cloudgate cleura shoot get --help)',
  );
  const none = await runMain(["cleura", "shoot", "get"], {});
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^error: NAME is missing: The cluster's name/);
  const help = await runMain(["cleura", "projects", "--help"], {});
  assert.match(
    help.stdout,
    /-o, --output FORMAT\s+table \(default\), json or yaml; json and yaml print \{"projects": \[\.\.\.\]\}/,
  );
  const timeout = await runMain(["cleura", "regions", "--timeout", "0"], {});
  assert.match(
    timeout.stderr,
    /--timeout must be a number of seconds above 0 and at most 3600/,
  );
});

Deno.test("cli.ts cleura shoot alone lists the cluster commands", async () => {
  const run = await runMain(["cleura", "shoot"], {});
  assert.equal(run.code, 2);
  assert.match(run.stdout, /^Usage: cloudgate cleura shoot <command>/);
  for (const sub of ["list", "get", "kubeconfig", "hibernate", "wake"]) {
    assert.match(run.stdout, new RegExp(`^  ${sub}\\s`, "m"));
  }
  const unknown = await runMain(["cleura", "shoot", "delete", "x"], {});
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "cleura shoot delete"/);
});
