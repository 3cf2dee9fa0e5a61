/**
 * What a command is: a typed value from which the CLI parses its flags,
 * writes its help and runs it.
 *
 * @module
 */

import type { TokenCache } from "../lib/token_cache.ts";
import type { OptionsSpec, Parsed, PositionalSpec } from "./args.ts";
import type { CliIo } from "./io.ts";

/** What a command runs with, besides its own flags (from the common ones). */
export interface CommandEnv {
  /** Where to read and write; every line written is already cleaned. */
  io: CliIo;
  /** The token cache (turned off by `--no-cache`). */
  cache: TokenCache;
  /** The HTTP options from `--timeout`. */
  http: { timeoutMs?: number };
  /** `--debug`: show debug lines. */
  debug: boolean;
}

/** One command of an API, such as `cleura regions` or `cleura shoot get`. */
export interface Command<O extends OptionsSpec> {
  /** The name after the API's (`regions`, or two words: `shoot get`). */
  name: string;
  /** One line for the lists of commands and the top of its help. */
  summary: string;
  /** Its own flags; the common ones are added to every command. */
  options: O;
  /** The positional arguments it takes, all required (default none). */
  args?: readonly PositionalSpec[];
  /** Command lines for its help, each starting `cloudgate` or using it. */
  examples: string[];
  /** Whether the main help shows its examples too. */
  featured?: boolean;
  /**
   * Runs the command.
   *
   * @returns The exit code: 0, or 1 when the answer is "no" (as `whoami`).
   */
  run(options: Parsed<O>, env: CommandEnv, args: string[]): Promise<number>;
}

/** A command of any flags, as an API's list holds it. */
export type AnyCommand = Command<OptionsSpec>;

/** An API's commands under its name (`cleura`). */
export interface Api {
  /** The first word on the command line. */
  name: string;
  /** The name in the main help's heading ("Cleura commands:"). */
  title: string;
  /** The commands, in the order the help lists them. */
  commands: readonly AnyCommand[];
}

/**
 * Declares a command, inferring the types of its parsed flags from their
 * specs.
 */
export function defineCommand<const O extends OptionsSpec>(
  command: Command<O>,
): Command<O> {
  return command;
}
