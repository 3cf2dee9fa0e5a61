/**
 * A small command-line flag parser for the CLI and the MCP server, in place
 * of `node:util` `parseArgs`: loading any `node:` module starts Deno's Node
 * compatibility layer, which costs about 0.6 of a bare Deno start.
 *
 * What it accepts:
 *
 * - `--name VALUE` and `--name=VALUE` (also `--name=`, an empty value) for a
 *   string flag; a separate value may not start with `-` (write
 *   `--name=-1` for that), so a forgotten value is not taken from the next
 *   flag;
 * - `--name` for a boolean flag (`true`); `--name=VALUE` is refused;
 * - `-x VALUE` and `-xVALUE` for a string flag with the short alias `x`,
 *   `-x` for a boolean one, and booleans grouped (`-ab`, where the last of
 *   the group may be a string flag taking the rest or the next argument);
 * - `--` ends the flags: every argument after it is positional; a lone `-`
 *   is positional too;
 * - a flag given twice keeps its last value.
 *
 * Anything else is a {@linkcode FlagError} with a one-line message.
 *
 * @module
 */

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

function unknown(flag: string): FlagError {
  return new FlagError(
    "unknown-option",
    shownArg(flag),
    `Unknown option "${shownArg(flag)}"`,
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

/** A flag's value, `-` and `--` aside: an argument that looks like a flag is none. */
function looksLikeFlag(arg: string): boolean {
  return arg.length > 1 && arg.startsWith("-");
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
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.short === undefined) continue;
    if ([...spec.short].length !== 1 || spec.short === "-") {
      throw new TypeError(`The short alias of --${name} must be one character`);
    }
    if (shorts.has(spec.short)) {
      throw new TypeError(`Two flags share the short alias -${spec.short}`);
    }
    shorts.set(spec.short, name);
  }
  const specOf = (name: string): FlagSpec | undefined =>
    Object.hasOwn(options, name) ? options[name] : undefined;

  const values: Record<string, string | boolean> = {};
  const set = (name: string, value: string | boolean) =>
    Object.defineProperty(values, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  const positionals: string[] = [];
  const positional = (arg: string) => {
    if (!settings.allowPositionals) {
      throw new FlagError(
        "unexpected-argument",
        shownArg(arg),
        `Unexpected argument "${shownArg(arg)}": ${
          settings.subject ?? "the command"
        } takes none`,
      );
    }
    positionals.push(arg);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      for (const rest of args.slice(i + 1)) positional(rest);
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const flag = `--${name}`;
      const spec = specOf(name);
      if (spec === undefined) throw unknown(flag);
      if (spec.type === "boolean") {
        if (eq >= 0) {
          throw new FlagError(
            "unexpected-value",
            flag,
            `Option "${flag}" takes no value`,
          );
        }
        set(name, true);
        continue;
      }
      if (eq >= 0) {
        set(name, arg.slice(eq + 1));
        continue;
      }
      const next = args[i + 1];
      if (next === undefined) throw missingValue(flag, name);
      if (looksLikeFlag(next)) throw missingValue(flag, name, next);
      set(name, next);
      i++;
      continue;
    }
    if (!looksLikeFlag(arg)) {
      positional(arg);
      continue;
    }
    // One or more short flags: -x, -xVALUE, -ab, -abVALUE.
    const chars = [...arg.slice(1)];
    for (let c = 0; c < chars.length; c++) {
      const flag = `-${chars[c]}`;
      const name = shorts.get(chars[c]!);
      if (name === undefined) {
        // Named with the letters before it (all flags without a value),
        // never what follows, which could be a value.
        const seen = `-${chars.slice(0, c + 1).join("")}`;
        if (c === 0 || chars[c] === "-") throw unknown(seen);
        throw new FlagError(
          "unknown-option",
          shownArg(flag),
          `Unknown option "${shownArg(flag)}" in "${shownArg(seen)}"`,
        );
      }
      if (options[name]!.type === "boolean") {
        set(name, true);
        continue;
      }
      const rest = chars.slice(c + 1).join("");
      if (rest !== "") {
        set(name, rest);
        break;
      }
      const next = args[i + 1];
      if (next === undefined) throw missingValue(flag, name);
      if (looksLikeFlag(next)) throw missingValue(flag, name, next);
      set(name, next);
      i++;
    }
  }
  return { values: values as FlagValues<S>, positionals };
}
