/**
 * The CLI's terminal: standard output and error, lines from standard input,
 * hidden prompts for secrets and SMS codes, and the one place where every
 * line written is cleaned.
 *
 * @module
 */

import { readEnv } from "../lib/env.ts";
import { readDirEnv } from "../lib/dirs.ts";
import type { CodeRequest } from "../lib/cleura/auth.ts";
import { cleanText } from "../lib/text.ts";

/**
 * How the CLI talks to the outside world; tests and the demo replace it.
 *
 * @example Run a command and keep what it prints
 * ```ts
 * import { type CliIo, main } from "@cloudgate/toolkit/cli";
 *
 * const lines: string[] = [];
 * const io: CliIo = {
 *   out: (line) => lines.push(line),
 *   err: (line) => lines.push(line),
 *   readLine: () => Promise.resolve(undefined),
 *   readSecret: () => Promise.resolve(undefined),
 *   isTerminal: false,
 *   env: {},
 * };
 * const code = await main(["cleura", "--help"], io);
 * console.log(code); // 0
 * console.log(lines.join("\n").split("\n")[0]); // Usage: cloudgate cleura <command> [options]
 * ```
 */
export interface CliIo {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** Reads one line from standard input; `undefined` at its end. */
  readLine(): Promise<string | undefined>;
  /** Asks for a secret on the terminal without echoing it. */
  readSecret(prompt: string): Promise<string | undefined>;
  /** Whether standard input is a terminal. */
  isTerminal: boolean;
  /**
   * Whether standard output is a terminal (default `false`): a credential
   * such as a kubeconfig is never written to one.
   */
  outIsTerminal?: boolean;
  /**
   * The environment variables cloudgate reads, and the folders that locate
   * the Cleura CLI's config file (`XDG_CONFIG_HOME`, `HOME`, `APPDATA`).
   */
  env: Partial<Record<string, string>>;
  /** The token cache folder (default: `$XDG_CACHE_HOME/cloudgate`). */
  cacheDir?: string;
}

/**
 * The user pressed Ctrl-C at a prompt: the CLI stops at once, quietly, with
 * exit code 130 (as a shell reports an interrupted program).
 */
export class Interrupted extends Error {
  /** Creates the error. */
  constructor() {
    super("Interrupted");
    this.name = "Interrupted";
  }
}

/**
 * Asks a yes-or-no question on the terminal (the answer is echoed).
 *
 * @returns `true` only for "y" or "yes".
 */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.err(`${question} [y/N]`);
  const answer = await io.readLine();
  return /^\s*y(es)?\s*$/i.test(answer ?? "");
}

/**
 * The one place every line the CLI writes passes: names, messages and
 * values from an API (or anything else) reach the terminal without escape
 * sequences, control characters other than newline and tab, or
 * bidirectional overrides.
 */
export function cleanIo(io: CliIo): CliIo {
  return {
    out: (line) => io.out(cleanText(line)),
    err: (line) => io.err(cleanText(line)),
    readLine: () => io.readLine(),
    readSecret: (prompt) => io.readSecret(cleanText(prompt)),
    isTerminal: io.isTerminal,
    ...(io.outIsTerminal === undefined
      ? {}
      : { outIsTerminal: io.outIsTerminal }),
    // Read when a command first needs it: --help and --version need no
    // permission to read the environment.
    get env() {
      return io.env;
    },
    ...(io.cacheDir === undefined ? {} : { cacheDir: io.cacheDir }),
  };
}

/**
 * Asks for the Cleura SMS code: a hidden prompt on a terminal, else one line
 * of standard input. After a wrong code it asks once more, for the code from
 * the same SMS. `sentEarlier`: the SMS went out in an earlier step
 * (`cleura login --verify`), so this one does not say it was just sent.
 */
export async function askCode(
  io: CliIo,
  request: CodeRequest,
  sentEarlier = false,
): Promise<string | undefined> {
  const sent = sentEarlier
    ? `the SMS code \`cleura login --send-code\` sent to the phone of "${request.login}"`
    : `an SMS code was sent to the phone of "${request.login}"`;
  if (!io.isTerminal) {
    // Say what the CLI waits for before it blocks on a pipe or a file.
    io.err(
      request.previousError
        ? `warning: ${request.previousError}; reading one more code from stdin`
        : sentEarlier
        ? `note: reading ${sent} from stdin (one line)`
        : `note: ${sent}; reading it from stdin (one line)`,
    );
    return (await io.readLine())?.trim();
  }
  if (request.previousError) {
    io.err(`That code was not accepted (${request.previousError}).`);
    return (await io.readSecret("Type the code from the same SMS again: "))
      ?.trim();
  }
  if (!sentEarlier) {
    io.err(`An SMS code was sent to the phone of "${request.login}".`);
  }
  return (await io.readSecret(
    sentEarlier ? `Type ${sent}: ` : "Type the SMS code: ",
  ))?.trim();
}

/** The process's own standard streams, terminal and environment. */
export function processIo(): CliIo {
  const readLine = lineReader();
  let env: CliIo["env"] | undefined;
  return {
    out: (line) => Deno.stdout.writeSync(encoder.encode(`${line}\n`)),
    err: (line) => Deno.stderr.writeSync(encoder.encode(`${line}\n`)),
    readLine,
    readSecret: readHidden,
    isTerminal: Deno.stdin.isTerminal(),
    outIsTerminal: Deno.stdout.isTerminal(),
    // Read when a command first needs it: --help, --version and completion
    // need no permission at all.
    get env() {
      return env ??= { ...readEnv(), ...readDirEnv() };
    },
  };
}

const encoder = new TextEncoder();

/**
 * Reads stdin line by line. The stream is opened on the first call only: an
 * open pipe would consume the bytes a hidden prompt reads from the terminal.
 */
function lineReader(): () => Promise<string | undefined> {
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let buffer = "";
  let done = false;
  return async () => {
    for (;;) {
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        return line;
      }
      if (done) {
        const rest = buffer;
        buffer = "";
        return rest === "" ? undefined : rest;
      }
      reader ??= Deno.stdin.readable.pipeThrough(new TextDecoderStream())
        .getReader();
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += chunk.value;
    }
  };
}

/**
 * Reads a secret in raw mode without echoing it: Enter ends it, Backspace
 * takes back a byte, Ctrl-C stops the CLI ({@linkcode Interrupted}), Ctrl-D
 * or the end of input ends it.
 */
async function readHidden(prompt: string): Promise<string | undefined> {
  const bytes: number[] = [];
  const buffer = new Uint8Array(1);
  // Raw mode first: a key typed just after the prompt shows must not echo.
  Deno.stdin.setRaw(true);
  try {
    Deno.stderr.writeSync(encoder.encode(prompt));
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      const byte = buffer[0];
      if (n === null || byte === undefined || byte === 4) {
        return bytes.length
          ? new TextDecoder().decode(new Uint8Array(bytes))
          : undefined;
      }
      if (byte === 3) throw new Interrupted();
      if (byte === 13 || byte === 10) break;
      if (byte === 127 || byte === 8) bytes.pop();
      else bytes.push(byte);
    }
  } finally {
    Deno.stdin.setRaw(false);
    Deno.stderr.writeSync(encoder.encode("\n"));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
