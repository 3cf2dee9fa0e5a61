// lib/flags.ts, the flag parser of the CLI and the MCP server (node:util
// parseArgs behind a strict wrapper): what it accepts and refuses, its
// messages, and (generated) that a refusal is one line without a secret.

import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../lib/errors.ts";
import {
  FlagError,
  type FlagErrorKind,
  type FlagSpecs,
  parseFlags,
  shownArg,
} from "../lib/flags.ts";

const SPEC = {
  port: { type: "string" },
  output: { type: "string", short: "o" },
  file: { type: "string", short: "f" },
  json: { type: "boolean" },
  yes: { type: "boolean", short: "y" },
  verbose: { type: "boolean", short: "v" },
} as const satisfies FlagSpecs;

const WITH = { allowPositionals: true };
const WITHOUT = { allowPositionals: false };

/** The FlagError `args` raise, checked for its kind, argument and message. */
function refusal(
  args: string[],
  kind: FlagErrorKind,
  arg: string,
  message: string,
  settings = WITH,
): void {
  assert.throws(() => parseFlags(args, SPEC, settings), (error) => {
    assert.ok(error instanceof FlagError, String(error));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.kind, kind);
    assert.equal(error.arg, arg);
    assert.equal(error.message, message);
    return true;
  });
}

Deno.test("string flags take a value as --name VALUE, --name=VALUE, -x VALUE and -xVALUE", () => {
  for (
    const args of [
      ["--output", "json"],
      ["--output=json"],
      ["-o", "json"],
      ["-ojson"],
    ]
  ) {
    assert.deepEqual(parseFlags(args, SPEC, WITHOUT), {
      values: { output: "json" },
      positionals: [],
    }, args.join(" "));
  }
  // An empty value, a value with "=", a lone "-" and spaces are values.
  assert.deepEqual(parseFlags(["--port="], SPEC, WITHOUT).values, {
    port: "",
  });
  assert.deepEqual(parseFlags(["--port=a=b"], SPEC, WITHOUT).values, {
    port: "a=b",
  });
  assert.deepEqual(parseFlags(["--file", "-"], SPEC, WITHOUT).values, {
    file: "-",
  });
  assert.deepEqual(parseFlags(["-f", "my file"], SPEC, WITHOUT).values, {
    file: "my file",
  });
  // A value starting with "-" goes after "=".
  assert.deepEqual(parseFlags(["--port=-1"], SPEC, WITHOUT).values, {
    port: "-1",
  });
});

Deno.test("boolean flags are true when given, absent when not; short ones group", () => {
  assert.deepEqual(parseFlags(["--json", "-y"], SPEC, WITHOUT).values, {
    json: true,
    yes: true,
  });
  assert.deepEqual(parseFlags([], SPEC, WITHOUT), {
    values: {},
    positionals: [],
  });
  assert.deepEqual(parseFlags(["-yv"], SPEC, WITHOUT).values, {
    yes: true,
    verbose: true,
  });
  // The last of a group may be a string flag: the rest, or the next argument.
  assert.deepEqual(parseFlags(["-yojson"], SPEC, WITHOUT).values, {
    yes: true,
    output: "json",
  });
  assert.deepEqual(parseFlags(["-yvo", "yaml"], SPEC, WITHOUT).values, {
    yes: true,
    verbose: true,
    output: "yaml",
  });
});

Deno.test("positionals mix with flags; -- ends the flags; a flag given twice keeps its last value", () => {
  assert.deepEqual(
    parseFlags(
      ["a", "--json", "b", "-o", "x", "-", "--", "--yes", "-o"],
      SPEC,
      WITH,
    ),
    {
      values: { json: true, output: "x" },
      positionals: ["a", "b", "-", "--yes", "-o"],
    },
  );
  assert.deepEqual(
    parseFlags(["--port", "1", "--port=2", "--port", "3"], SPEC, WITHOUT)
      .values,
    { port: "3" },
  );
  assert.deepEqual(parseFlags(["--"], SPEC, WITHOUT), {
    values: {},
    positionals: [],
  });
});

Deno.test("an unknown flag is named, long or short, without its value", () => {
  refusal(
    ["--colour"],
    "unknown-option",
    "--colour",
    'Unknown option "--colour"',
  );
  refusal(
    ["--colour=red"],
    "unknown-option",
    "--colour",
    'Unknown option "--colour"',
  );
  refusal(["-z"], "unknown-option", "-z", 'Unknown option "-z"');
  refusal(["-yz"], "unknown-option", "-z", 'Unknown option "-z" in "-yz"');
  refusal(["-yzv"], "unknown-option", "-z", 'Unknown option "-z" in "-yz"');
  // A "-" inside a group: node:util reads "-v-" as "-v --", so "-v- x" would
  // make x an argument; here it is refused, naming the group up to the "-".
  refusal(["-v-"], "unknown-option", "-v-", 'Unknown option "-v-"');
  refusal(["-y-ojson"], "unknown-option", "-y-", 'Unknown option "-y-"');
  refusal(["-1"], "unknown-option", "-1", 'Unknown option "-1"');
  // The inherited properties of an object are no flags.
  for (
    const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]
  ) {
    refusal(
      [`--${name}`],
      "unknown-option",
      `--${name}`,
      `Unknown option "--${name}"`,
    );
  }
  const long = `--${"x".repeat(100)}`;
  refusal(
    [long],
    "unknown-option",
    `${long.slice(0, 40)}…`,
    `Unknown option "${long.slice(0, 40)}…"`,
  );
});

Deno.test("a string flag without its value, and a boolean flag with one, are refused by name", () => {
  refusal(
    ["--port"],
    "missing-value",
    "--port",
    'Option "--port" needs a value',
  );
  refusal(["-o"], "missing-value", "-o", 'Option "-o" needs a value');
  refusal(["-yo"], "missing-value", "-o", 'Option "-o" needs a value');
  // The next flag is not taken for the value.
  refusal(
    ["--port", "--json"],
    "missing-value",
    "--port",
    'Option "--port" needs a value; to give one starting with "-", write --port=--json',
  );
  refusal(
    ["-o", "-1"],
    "missing-value",
    "-o",
    'Option "-o" needs a value; to give one starting with "-", write --output=-1',
  );
  refusal(
    ["--port", "--"],
    "missing-value",
    "--port",
    'Option "--port" needs a value; to give one starting with "-", write --port=--',
  );
  refusal(
    ["--json=1"],
    "unexpected-value",
    "--json",
    'Option "--json" takes no value',
  );
  refusal(
    ["--json="],
    "unexpected-value",
    "--json",
    'Option "--json" takes no value',
  );
});

Deno.test("positionals are refused where none are taken, after -- too", () => {
  refusal(
    ["--json", "sto2"],
    "unexpected-argument",
    "sto2",
    'Unexpected argument "sto2": the command takes none',
    WITHOUT,
  );
  refusal(
    ["--", "-x"],
    "unexpected-argument",
    "-x",
    'Unexpected argument "-x": the command takes none',
    WITHOUT,
  );
  refusal(
    ["-"],
    "unexpected-argument",
    "-",
    'Unexpected argument "-": the command takes none',
    WITHOUT,
  );
});

Deno.test("a message never repeats the value of a flag-like --name=VALUE", () => {
  refusal(
    ["--", "--token=s3cret"],
    "unexpected-argument",
    "--token=…",
    'Unexpected argument "--token=…": the command takes none',
    WITHOUT,
  );
  refusal(
    ["--port", "--token=s3cret"],
    "missing-value",
    "--port",
    'Option "--port" needs a value; to give one starting with "-", write --port=--token=…',
  );
  assert.equal(shownArg("a=b"), "a=b");
  assert.equal(shownArg(`x${"y".repeat(50)}`), `x${"y".repeat(39)}…`);
});

Deno.test("the first mistake is the one reported", () => {
  refusal(
    ["--json=1", "--colour"],
    "unexpected-value",
    "--json",
    'Option "--json" takes no value',
  );
  refusal(
    ["--colour", "--port"],
    "unknown-option",
    "--colour",
    'Unknown option "--colour"',
  );
});

Deno.test("a spec whose short alias is not one character, or is shared, is a TypeError", () => {
  assert.throws(
    () => parseFlags([], { a: { type: "boolean", short: "ab" } }, WITHOUT),
    TypeError,
  );
  assert.throws(
    () => parseFlags([], { a: { type: "boolean", short: "-" } }, WITHOUT),
    TypeError,
  );
  assert.throws(
    () =>
      parseFlags([], {
        a: { type: "boolean", short: "x" },
        b: { type: "string", short: "x" },
      }, WITHOUT),
    TypeError,
  );
});

Deno.test("generated: any command line is read, or refused with a one-line FlagError that never shows a value after =", () => {
  const word = fc.oneof(
    fc.constantFrom(
      "--port",
      "--output",
      "--file",
      "--json",
      "--yes",
      "--verbose",
      "-o",
      "-f",
      "-y",
      "-v",
      "-yv",
      "-vo",
      "-yf",
      "-ojson",
      "--port=1",
      "--port=",
      "--json=1",
      "--output=-x",
      "--",
      "-",
      "--nope",
      "-z",
      "-yz",
      "-1",
      "---x",
      "--=x",
      "json",
      "a b",
      "",
    ),
    fc.string({ maxLength: 6 }),
    fc.string({ maxLength: 4 }).map((s) => `-${s}`),
    fc.string({ maxLength: 6 }).map((s) => `--${s}`),
  );
  fc.assert(
    fc.property(
      fc.array(word, { maxLength: 8 }),
      fc.boolean(),
      (args, allowPositionals) => {
        const secret = "s3cr3t-Value";
        const given = args.map((arg, i) =>
          i % 2 === 0 && arg.startsWith("-") ? `${arg}=${secret}` : arg
        );
        try {
          parseFlags(given, SPEC, { allowPositionals });
        } catch (error) {
          assert.ok(error instanceof FlagError, `not a FlagError: ${error}`);
          assert.ok(!error.message.includes("\n"), error.message);
          assert.ok(!error.message.includes(secret), error.message);
          assert.ok(!error.arg.includes(secret), error.arg);
        }
      },
    ),
    { numRuns: 3_000 },
  );
});

Deno.test("generated: flags written in any accepted form come back with their last values, positionals in order", () => {
  const value = fc.string({ maxLength: 8 });
  /** One intended item and the ways to write it. */
  const item = fc.oneof(
    fc.record({
      name: fc.constantFrom("port", "output", "file"),
      value,
      form: fc.constantFrom("space", "equals", "short", "attached"),
    }),
    fc.record({
      name: fc.constantFrom("json", "yes", "verbose"),
      form: fc.constantFrom("long", "short"),
    }),
    fc.record({
      positional: value.filter((v) => !v.startsWith("-") || v === "-"),
    }),
  );
  fc.assert(
    fc.property(
      fc.array(item, { maxLength: 10 }),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
      (items, tail) => {
        const args: string[] = [];
        const values: Record<string, string | boolean> = {};
        const positionals: string[] = [];
        for (const it of items) {
          if ("positional" in it) {
            args.push(it.positional);
            positionals.push(it.positional);
            continue;
          }
          const spec = SPEC[it.name];
          const short = "short" in spec ? spec.short : undefined;
          if (!("value" in it)) {
            args.push(
              it.form === "short" && short ? `-${short}` : `--${it.name}`,
            );
            values[it.name] = true;
            continue;
          }
          const dashed = it.value.length > 1 && it.value.startsWith("-");
          if (it.form === "attached" && short && it.value !== "") {
            args.push(`-${short}${it.value}`);
          } else if (it.form === "short" && short && !dashed) {
            args.push(`-${short}`, it.value);
          } else if (it.form === "space" && !dashed) {
            args.push(`--${it.name}`, it.value);
          } else {
            args.push(`--${it.name}=${it.value}`);
          }
          values[it.name] = it.value;
        }
        if (tail.length > 0) {
          args.push("--", ...tail);
          positionals.push(...tail);
        }
        const parsed = parseFlags(args, SPEC, WITH);
        assert.deepEqual(parsed, { values, positionals }, JSON.stringify(args));
      },
    ),
    { numRuns: 2_000 },
  );
});
