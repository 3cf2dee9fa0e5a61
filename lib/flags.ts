/**
 * The command-line flag parser of the CLI and the MCP server: `node:util`
 * `parseArgs`, read through its tokens so that every mistake is a
 * {@linkcode FlagError} with a one-line message naming the flag, and never
 * the value after a `=` (it may be a secret).
 *
 * What it accepts is what `parseArgs` accepts in strict mode: `--name VALUE`,
 * `--name=VALUE` (also `--name=`), `-x VALUE`, `-xVALUE`, booleans as
 * `--name` or `-x`, grouped short booleans (`-ab`, the last of which may take
 * a value), `--` before positionals, and a flag given twice keeps its last
 * value. A separate value may not start with `-` (write `--name=-1`). Two
 * things are stricter: a `-` inside a group (`-v-`, which `parseArgs` reads
 * as `-v --`) is an unknown option, and so is an inherited property
 * (`--constructor`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ConfigError } from "./errors.ts";

/** One flag: a boolean switch or a string that takes a value. */
export interface FlagSpec {
  /** `boolean` (`--json`) or `string` (`--port 8787`). */
  readonly type: "boolean" | "string";
  /** A one-character alias, without the dash (`o` for `-o`). */
  readonly short?: string;
}

/** The flags a program takes, by long name (without the leading `--`). */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/**
 * The values of the flags that were given: `true` for a boolean, the text
 * for a string; a flag not given is absent.
 */
export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean
    : string;
};

/** What {@linkcode parseFlags} found. */
export interface ParsedFlags<S extends FlagSpecs> {
  /** The flags given, by long name. */
  values: FlagValues<S>;
  /** The other arguments, in order. */
  positionals: string[];
}

/** The settings of {@linkcode parseFlags}. */
export interface ParseFlagsOptions {
  /** Whether arguments that are not flags are accepted. */
  allowPositionals: boolean;
  /**
   * What takes the arguments, for the message when none are accepted
   * (default `the command`).
   */
  subject?: string;
}

/** What was wrong with a command line, for a caller that words its own message. */
export type FlagErrorKind =
  | "unknown-option"
  | "missing-value"
  | "unexpected-value"
  | "unexpected-argument";

/**
 * A mistake in a command line: an unknown flag, a string flag without its
 * value, a value given to a boolean flag, or a positional argument where
 * none is taken. The message is one line; {@linkcode FlagError.kind} and
 * {@linkcode FlagError.arg} say the same for a caller that rewords it.
 *
 * @example
 * ```ts
 * import { FlagError, parseFlags } from "./flags.ts";
 *
 * try {
 *   parseFlags(["--colour"], { json: { type: "boolean" } }, { allowPositionals: false });
 * } catch (error) {
 *   if (error instanceof FlagError) console.log(error.message); // Unknown option "--colour"
 * }
 * ```
 */
export class FlagError extends ConfigError {
  /** What was wrong. */
  readonly kind: FlagErrorKind;
  /**
   * The flag as written, without any `=VALUE` (`--colour`, `-z`), or the
   * positional argument, at most 40 characters.
   */
  readonly arg: string;

  /**
   * Creates the error.
   *
   * @param kind What was wrong.
   * @param arg The flag or argument at fault.
   * @param message One line saying so.
   */
  constructor(kind: FlagErrorKind, arg: string, message: string) {
    super(message);
    this.name = "FlagError";
    this.kind = kind;
    this.arg = arg;
  }
}

/**
 * A user's argument as a message shows it: at most 40 characters, and
 * without the value of a flag-like `--name=VALUE` (it may be a secret, such
 * as `--token=...` after `--`).
 *
 * @param arg The argument as given.
 * @returns The argument to quote.
 *
 * @example
 * ```ts
 * import { shownArg } from "./flags.ts";
 *
 * console.log(shownArg("--token=s3cret")); // --token=…
 * console.log(shownArg("sto2")); // sto2
 * ```
 */
export function shownArg(arg: string): string {
  const eq = arg.startsWith("-") ? arg.indexOf("=") : -1;
  const text = eq < 0 ? arg : `${arg.slice(0, eq)}=…`;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function unknown(flag: string, group = flag): FlagError {
  const shown = shownArg(flag);
  return new FlagError(
    "unknown-option",
    shown,
    group === flag
      ? `Unknown option "${shown}"`
      : `Unknown option "${shown}" in "${shownArg(group)}"`,
  );
}

function missingValue(flag: string, long: string, next?: string): FlagError {
  return new FlagError(
    "missing-value",
    flag,
    next === undefined
      ? `Option "${flag}" needs a value`
      : `Option "${flag}" needs a value; to give one starting with "-", write --${long}=${
        shownArg(next)
      }`,
  );
}

/** Sets a value, even one named `__proto__`. */
function define(values: object, name: string, value: string | boolean): void {
  Object.defineProperty(values, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Checks the short aliases, which `parseArgs` would let two flags share. */
function checkShorts(options: FlagSpecs): void {
  const shorts = new Set<string>();
  for (const [name, { short }] of Object.entries(options)) {
    if (short === undefined) continue;
    if (short.length !== 1 || short === "-") {
      throw new TypeError(`The short alias of --${name} must be one character`);
    }
    if (shorts.has(short)) {
      throw new TypeError(`Two flags share the short alias -${short}`);
    }
    shorts.add(short);
  }
}

/**
 * Parses a command line against its flags strictly: unknown flags, missing
 * or unwanted values and (unless allowed) positional arguments are errors.
 *
 * @param args The arguments, without the program's name (`Deno.args`).
 * @param options The flags, by long name.
 * @param settings Whether positional arguments are accepted.
 * @returns The flags given and the positional arguments.
 * @throws {FlagError} On the first mistake, naming the flag or argument.
 * @throws {TypeError} When a spec's `short` is not one character, or two
 * flags share it (a mistake in the program, not in the command line).
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 *
 * const { values, positionals } = parseFlags(
 *   ["--port", "8787", "-v", "extra"],
 *   { port: { type: "string" }, verbose: { type: "boolean", short: "v" } },
 *   { allowPositionals: true },
 * );
 * console.log(values.port, values.verbose, positionals); // 8787 true [ "extra" ]
 * ```
 */
export function parseFlags<const S extends FlagSpecs>(
  args: readonly string[],
  options: S,
  settings: ParseFlagsOptions,
): ParsedFlags<S> {
  checkShorts(options);
  // Not strict: its checks are made here, in order, with these messages.
  const { tokens } = parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    const arg = args[token.index]!;
    if (token.kind === "option-terminator") {
      // From "-v-": the "-" of a group, which parseArgs reads as "--".
      if (arg !== "--") throw unknown(arg.slice(0, arg.indexOf("-", 1) + 1));
      continue;
    }
    if (token.kind === "positional") {
      if (!settings.allowPositionals) {
        throw new FlagError(
          "unexpected-argument",
          shownArg(token.value),
          `Unexpected argument "${shownArg(token.value)}": ${
            settings.subject ?? "the command"
          } takes none`,
        );
      }
      positionals.push(token.value);
      continue;
    }
    const { name, rawName, value, inlineValue } = token;
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (spec === undefined) {
      // A short one in a group is named with the letters before it (all
      // flags without a value), never what follows, which could be a value.
      throw rawName.startsWith("--")
        ? unknown(rawName)
        : unknown(rawName, arg.slice(0, arg.indexOf(name, 1) + 1));
    }
    if (spec.type === "boolean") {
      if (value !== undefined) {
        throw new FlagError(
          "unexpected-value",
          rawName,
          `Option "${rawName}" takes no value`,
        );
      }
      define(values, name, true);
      continue;
    }
    if (value === undefined) throw missingValue(rawName, name);
    if (!inlineValue && value.length > 1 && value.startsWith("-")) {
      throw missingValue(rawName, name, value);
    }
    define(values, name, value);
  }
  return { values: values as FlagValues<S>, positionals };
}
