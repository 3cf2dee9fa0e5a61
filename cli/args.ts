/**
 * Flags: the typed option specs commands declare, parsing with
 * `lib/flags.ts` (`node:util` `parseArgs`), the refusal of secrets as flags, and
 * the resolution of a flag against its environment default (the settings
 * `lib/config.ts` reads for the CLI and the MCP server alike).
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";
import { didYouMean } from "./suggest.ts";
import { FlagError, parseFlags, shownArg } from "../lib/flags.ts";

/** A mistake in the command line (exit code 2, as any configuration error). */
export class UsageError extends ConfigError {
  /** @param message One line saying what is wrong and where to look. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A flag without a value: `true` when given, else `false`. */
export interface BooleanOption {
  /** The kind of flag. */
  readonly type: "boolean";
  /** One line for the help. */
  readonly help: string;
  /** A one-letter alias (`y` for `-y`). */
  readonly short?: string;
}

/** A flag with a value: `--name VALUE` or `--name=VALUE`. */
export interface StringOption {
  /** The kind of flag. */
  readonly type: "string";
  /** One line for the help. */
  readonly help: string;
  /** The value's name in the help (default `VALUE`). */
  readonly value?: string;
  /** A one-letter alias (`o` for `-o`). */
  readonly short?: string;
  /** The values it accepts, for the help, the check and completion. */
  readonly choices?: readonly string[];
  /**
   * Makes the flag required (neither missing nor blank); the text is the
   * hint in the error when it is missing.
   */
  readonly required?: string;
}

/** One flag of a command. */
export type OptionSpec = BooleanOption | StringOption;

/** A command's flags by name (without the leading `--`). */
export type OptionsSpec = Readonly<Record<string, OptionSpec>>;

/** The value a flag's spec gives: boolean, a required string, or a string. */
export type OptionValue<S extends OptionSpec> = S extends BooleanOption
  ? boolean
  : S extends { required: string } ? string
  : string | undefined;

/** The parsed values of a command's flags, typed by their specs. */
export type Parsed<O extends OptionsSpec> = {
  -readonly [K in keyof O]: OptionValue<O[K]>;
};

/** The flags every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", help: "Show help for the command" },
  "no-cache": {
    type: "boolean",
    help: "Neither read nor write the token cache",
  },
  timeout: {
    type: "string",
    value: "SECS",
    help: "Per-request timeout in seconds (default 30)",
  },
  debug: {
    type: "boolean",
    help: "Show debug lines and stack traces of unexpected errors",
  },
} as const satisfies OptionsSpec;

/** The flag as the help shows it: `-o, --name VALUE`, `--name` or `--name VALUE`. */
export function flagLabel(name: string, spec: OptionSpec): string {
  const long = spec.type === "string"
    ? `--${name} ${spec.value ?? "VALUE"}`
    : `--${name}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/** A positional argument of a command, such as a cluster's name. */
export interface PositionalSpec {
  /** Its name in the help (`NAME`). */
  readonly name: string;
  /** One line for the help. */
  readonly help: string;
}

const SECRET_FLAGS = new Map<string, string>([
  [
    "--password",
    "set CLEURA_API_PASSWORD or ITOPIA_PASSWORD, or answer the prompt",
  ],
  ["--token", "set CLEURA_API_TOKEN"],
  ["--api-key", "set ITOPIA_API_KEY"],
  ["--apikey", "set ITOPIA_API_KEY"],
  ["--code", "pipe it on standard input or answer the prompt"],
  ["--sms-code", "pipe it on standard input or answer the prompt"],
]);

/**
 * Refuses a secret given as a flag (before `--`), naming where it goes
 * instead, and never echoing its value.
 *
 * @throws {UsageError} On `--password`, `--token`, `--api-key`, `--code` and
 * their kin, in any case, with or without `=VALUE`.
 */
export function refuseSecretFlags(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === "--") break;
    const flag = arg.split("=")[0]!.toLowerCase();
    const hint = SECRET_FLAGS.get(flag);
    if (hint) {
      throw new UsageError(
        `${flag} is not accepted: a secret on the command line ends up in shell history and process lists; ${hint}`,
      );
    }
  }
}

/** Flag values as the parser gives them, before they are typed. */
export type RawValues = Record<string, string | boolean | undefined>;

/** What {@linkcode parseCommandArgs} found: the flags and the positionals. */
export interface ParsedArgs {
  /** The flags' values, untyped. */
  values: RawValues;
  /** The positional arguments, one per declared positional. */
  positionals: string[];
}

/**
 * Parses the flags of one command strictly: no unknown flags, and exactly
 * the positional arguments the command declares.
 *
 * @param spec The flags the command takes (its own and the common ones).
 * @param args The arguments after the command's name.
 * @param where The command (`cleura regions`), for the hint in errors.
 * @param positionals The positional arguments it takes, in order.
 * @throws {UsageError} On an unknown flag, a missing or unwanted value, a
 * value outside a flag's choices, or a missing or extra positional argument.
 */
export function parseCommandArgs(
  spec: OptionsSpec,
  args: string[],
  where: string,
  positionals: readonly PositionalSpec[] = [],
): ParsedArgs {
  const see = `see: cloudgate ${where} --help`;
  let parsed;
  try {
    parsed = parseFlags(args, spec, {
      allowPositionals: positionals.length > 0,
    });
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    const hint = error.kind === "unknown-option" && error.arg.startsWith("--")
      ? didYouMean(error.arg.slice(2), Object.keys(spec), "--")
      : "";
    throw new UsageError(`${error.message}${hint} (${see})`);
  }
  const extra = parsed.positionals[positionals.length];
  if (extra !== undefined) {
    throw new UsageError(
      `Unexpected argument "${shownArg(extra)}" (${see})`,
    );
  }
  const missing = positionals[parsed.positionals.length];
  if (missing !== undefined) {
    throw new UsageError(
      `${missing.name} is missing: ${missing.help} (${see})`,
    );
  }
  const values = parsed.values as RawValues;
  for (const [name, option] of Object.entries(spec)) {
    const value = values[name];
    if (
      option.type === "string" && option.choices &&
      typeof value === "string" && !option.choices.includes(value)
    ) {
      throw new UsageError(
        `--${name} must be ${
          option.choices.map((c) => `"${c}"`).join(", ").replace(
            /, ([^,]*)$/,
            " or $1",
          )
        }, got "${value.slice(0, 40)}"`,
      );
    }
  }
  return { values, positionals: parsed.positionals };
}

/**
 * Types the parsed values by their specs: a boolean flag not given is
 * `false`, a string flag not given is `undefined`.
 *
 * @throws {UsageError} When a required flag is missing or blank.
 */
export function typedOptions<O extends OptionsSpec>(
  spec: O,
  values: RawValues,
): Parsed<O> {
  const typed: RawValues = {};
  for (const [name, option] of Object.entries(spec)) {
    const value = values[name];
    if (option.type === "boolean") {
      typed[name] = value === true;
      continue;
    }
    if (
      option.required !== undefined &&
      (typeof value !== "string" || value.trim() === "")
    ) {
      throw new UsageError(
        `${flagLabel(name, option)} is required (${option.required})`,
      );
    }
    typed[name] = typeof value === "string" ? value : undefined;
  }
  return typed as Parsed<O>;
}

/**
 * `--timeout SECS` as the HTTP options' `timeoutMs`.
 *
 * @throws {UsageError} Unless it is more than 0 and at most 3600 seconds.
 */
export function httpOptions(
  timeout: string | undefined,
): { timeoutMs?: number } {
  if (timeout === undefined) return {};
  const seconds = Number(timeout);
  if (!(seconds > 0 && seconds <= 3600)) {
    throw new UsageError(
      `--timeout must be a number of seconds above 0 and at most 3600 (e.g. 30 or 2.5), got "${
        timeout.slice(0, 40)
      }"`,
    );
  }
  return { timeoutMs: Math.round(seconds * 1000) };
}

/**
 * An id flag, or else its default from the environment's settings.
 *
 * @param flag The flag's name, for the error.
 * @param raw The flag's value, if given.
 * @param fallback The setting from the environment (such as
 * `ITOPIA_DEPLOYMENT_ID`).
 * @throws {UsageError} When the flag is not a positive whole number.
 */
export function idOption(
  flag: string,
  raw: string | undefined,
  fallback: number | undefined,
): number | undefined {
  if (raw === undefined) return fallback;
  const text = raw.trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) {
    throw new UsageError(
      `--${flag} must be a positive whole number, got "${raw.slice(0, 40)}"`,
    );
  }
  return Number(text);
}

/**
 * `--ttl SECONDS`, a whole number from 1 to 86400.
 *
 * @throws {UsageError} Out of range or not a whole number.
 */
export function ttlOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const seconds = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= 86_400)) {
    throw new UsageError(
      `--ttl must be a whole number of seconds from 1 to 86400, got "${
        text.slice(0, 40)
      }"`,
    );
  }
  return seconds;
}
