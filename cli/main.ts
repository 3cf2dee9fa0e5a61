/**
 * The CLI's dispatch: refuses secret flags, finds the API and command,
 * parses the flags, prints a help or runs the command, and turns any error
 * into one `error:` line and an exit code.
 *
 * @module
 */

import { CloudgateError, ConfigError } from "../lib/errors.ts";
import { cleanText } from "../lib/text.ts";
import {
  COMMON_OPTIONS,
  httpOptions,
  type OptionsSpec,
  parseCommandArgs,
  refuseSecretFlags,
  typedOptions,
  UsageError,
} from "./args.ts";
import { CLEURA } from "./cleura.ts";
import type { Api, Command } from "./command.ts";
import { VERSION } from "../lib/version.ts";
import { apiHelp, commandHelp, mainHelp } from "./help.ts";
import { cleanIo, type CliIo, Interrupted, processIo } from "./io.ts";
import { completion } from "./completion.ts";
import { didYouMean } from "./suggest.ts";
import { ITOPIA } from "./itopia.ts";

/** Every API the CLI knows, in the order the main help lists them. */
const APIS: readonly Api[] = [CLEURA, ITOPIA];

const isHelp = (arg: string) => arg === "-h" || arg === "--help";

async function run(args: string[], io: CliIo): Promise<number> {
  refuseSecretFlags(args);
  const [apiName, commandName, ...rest] = args;
  if (apiName === "--version" || apiName === "-V" || apiName === "-v") {
    io.out(`cloudgate ${VERSION}`);
    return 0;
  }
  if (apiName === undefined || isHelp(apiName) || apiName === "help") {
    io.out(mainHelp(APIS));
    return apiName === undefined ? 2 : 0;
  }
  if (apiName === "completion") return completion(APIS, io, args.slice(1));
  if (apiName === "emulator") {
    // Loaded here: only this command needs the emulator.
    const { runEmulator } = await import("./emulator.ts");
    return await runEmulator(io, args.slice(1));
  }
  const api = APIS.find((a) => a.name === apiName);
  if (!api && apiName.startsWith("-")) {
    throw new UsageError(
      `Unknown option "${
        apiName.slice(0, 40)
      }": the options go after the command; --version (or -V, -v) prints the version (see: cloudgate --help)`,
    );
  }
  if (!api) {
    throw new UsageError(
      `Unknown API "${apiName.slice(0, 40)}"${
        didYouMean(apiName, APIS.map((a) => a.name)) ||
        `: use ${APIS.map((a) => `"${a.name}"`).join(" or ")}`
      } (see: cloudgate --help)`,
    );
  }
  if (commandName === undefined || isHelp(commandName)) {
    io.out(apiHelp(api));
    return commandName === undefined ? 2 : 0;
  }
  const [sub, ...subRest] = rest;
  const two = api.commands.find((c) => c.name === `${commandName} ${sub}`);
  if (two) return await runCommand(api, two, subRest, io);
  const command = api.commands.find((c) => c.name === commandName);
  if (command) return await runCommand(api, command, rest, io);
  const group = api.commands.filter((c) =>
    c.name.startsWith(`${commandName} `)
  );
  if (group.length > 0) {
    if (sub === undefined || isHelp(sub)) {
      io.out(apiHelp(api, commandName));
      return sub === undefined ? 2 : 0;
    }
    const subs = group.map((c) => c.name.slice(commandName.length + 1));
    throw new UsageError(
      `Unknown command "${api.name} ${commandName} ${sub.slice(0, 40)}"${
        didYouMean(sub, subs, `${api.name} ${commandName} `)
      } (see: cloudgate ${api.name} ${commandName} --help)`,
    );
  }
  const firsts = [...new Set(api.commands.map((c) => c.name.split(" ")[0]!))];
  throw new UsageError(
    `Unknown command "${api.name} ${commandName.slice(0, 40)}"${
      didYouMean(commandName, firsts, `${api.name} `)
    } (see: cloudgate ${api.name} --help)`,
  );
}

async function runCommand<O extends OptionsSpec>(
  api: Api,
  command: Command<O>,
  args: string[],
  io: CliIo,
): Promise<number> {
  const where = `${api.name} ${command.name}`;
  const spec = { ...command.options, ...COMMON_OPTIONS };
  if (args.some(isHelp)) {
    io.out(commandHelp(api, command));
    return 0;
  }
  const { values, positionals } = parseCommandArgs(
    spec,
    args,
    where,
    command.args,
  );
  const common = typedOptions(COMMON_OPTIONS, values);
  const http = httpOptions(common.timeout);
  // Loaded here: the help, the version and completion need no cache.
  const { TokenCache } = await import("../lib/token_cache.ts");
  const cache = new TokenCache({
    enabled: !common["no-cache"],
    ...(io.cacheDir ? { dir: io.cacheDir } : {}),
    env: io.env,
    onWarning: (message) => io.err(`warning: ${message}`),
  });
  return await command.run(
    typedOptions(command.options, values),
    { io, cache, http, debug: common.debug },
    positionals,
  );
}

/**
 * Runs the CLI with the given arguments and returns its exit code. Errors
 * become one line on standard error starting `error:`; nothing throws.
 *
 * @param args The arguments, e.g. `["cleura", "regions", "--json"]`.
 * @param io Where to read and write; by default the process's own.
 * @returns 0 on success, 1 on an API, authentication or network failure, 2 on
 * a usage or configuration error.
 *
 * @example
 * ```ts ignore
 * import { main } from "@cloudgate/toolkit/cli";
 *
 * Deno.exit(await main(Deno.args));
 * ```
 */
export async function main(args: string[], io?: CliIo): Promise<number> {
  const debug = args.includes("--debug");
  let resolved: CliIo | undefined;
  try {
    resolved = cleanIo(io ?? processIo());
    return await run(args, resolved);
  } catch (error) {
    const write = resolved?.err ??
      ((line: string) => console.error(cleanText(line)));
    if (error instanceof Interrupted) return 130;
    if (error instanceof CloudgateError) {
      write(`error: ${error.message}`);
      return error instanceof ConfigError ? 2 : 1;
    }
    write(
      `error: unexpected ${error instanceof Error ? error.name : "failure"}${
        debug ? "" : " (run with --debug for details)"
      }`,
    );
    if (debug && error instanceof Error && error.stack) write(error.stack);
    return 1;
  }
}
