// Running the CLI as a user does: a child process with the token cache
// folder's permissions only, and every stream piped; or in process, as
// `main(args, io)` with a fake terminal.

import { type CliIo, main } from "../../cli.ts";

export const CLI: string = new URL("../../cli.ts", import.meta.url).pathname;

/** `deno run` arguments of the CLI with read and write on `cacheHome` only. */
export function cliArgs(cacheHome: string, args: string[]): string[] {
  const folder = [`--allow-read=${cacheHome}`, `--allow-write=${cacheHome}`];
  return [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-env",
    ...folder,
    CLI,
    ...args,
  ];
}

/** Spawns `command` with `args` and `env` alone, every stream piped. */
export function spawnPiped(
  command: string,
  args: string[],
  env: Record<string, string>,
): Deno.ChildProcess {
  return new Deno.Command(command, {
    args,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** What the CLI's `main` wrote when run in process. */
export interface MainRun {
  /** The exit code. */
  code: number;
  /** The standard output lines, joined by newlines. */
  stdout: string;
  /** The standard error lines, joined by newlines. */
  stderr: string;
  /** The standard output lines. */
  outLines: string[];
  /** The standard error lines. */
  errLines: string[];
  /** Every line, standard output and error as they were written. */
  lines: string[];
}

export interface MainOptions {
  /** The token cache folder (default: the CLI's own). */
  cacheDir?: string;
  /**
   * The lines standard input gives, or a function that gives them when the
   * CLI first reads (for answers, such as SMS codes, known only then), given
   * the standard error lines written until then.
   */
  stdin?: string[] | ((err: readonly string[]) => string[]);
  /** Answer the secret prompts from `stdin` too (default: no answer). */
  secretsFromStdin?: boolean;
  /** Whether standard input is a terminal (default `false`). */
  stdinIsTerminal?: boolean;
  /** Whether standard output is a terminal (default `false`). */
  stdoutIsTerminal?: boolean;
}

/**
 * Runs the CLI's `main(args, io)` in process, with a fake `CliIo`: not a
 * terminal, `env` as its environment, and stdin as `options` give it.
 */
export async function runMain(
  args: string[],
  env: Record<string, string>,
  options: MainOptions = {},
): Promise<MainRun> {
  const out: string[] = [];
  const err: string[] = [];
  const lines: string[] = [];
  let input: string[] | undefined;
  const readLine = () => {
    const { stdin = [] } = options;
    input ??= typeof stdin === "function" ? stdin([...err]) : [...stdin];
    return Promise.resolve(input.shift());
  };
  const io: CliIo = {
    out: (l) => (out.push(l), lines.push(l)),
    err: (l) => (err.push(l), lines.push(l)),
    readLine,
    readSecret: () =>
      options.secretsFromStdin ? readLine() : Promise.resolve(undefined),
    isTerminal: options.stdinIsTerminal ?? false,
    outIsTerminal: options.stdoutIsTerminal ?? false,
    env,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  };
  const code = await main(args, io);
  return {
    code,
    stdout: out.join("\n"),
    stderr: err.join("\n"),
    outLines: out,
    errLines: err,
    lines,
  };
}
