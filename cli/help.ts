/**
 * The help texts, all written from the commands' values: the main help, an
 * API's list of commands and a command's own help cannot drift from what
 * the commands take.
 *
 * @module
 */

import { COMMON_OPTIONS, flagLabel, type OptionsSpec } from "./args.ts";
import type { AnyCommand, Api } from "./command.ts";

/** Lines of two columns, the first padded to the widest of `width` and its own. */
function rows(pairs: [string, string][], width = 0): string[] {
  const pad = Math.max(width, ...pairs.map(([left]) => left.length));
  return pairs.map(([left, right]) => `  ${left.padEnd(pad)}  ${right}`);
}

function optionRows(options: OptionsSpec): [string, string][] {
  return Object.entries(options).map((
    [name, spec],
  ) => [flagLabel(name, spec), spec.help]);
}

/** The help of `cloudgate --help`. */
export function mainHelp(apis: readonly Api[]): string {
  const commands = apis.map((api) =>
    api.commands.map((c): [string, string] => [
      `${api.name} ${c.name}`,
      c.summary,
    ])
  );
  const common = optionRows(COMMON_OPTIONS);
  const width = Math.max(
    ...[...commands.flat(), ...common].map(([l]) => l.length),
  );
  return [
    "cloudgate: the Cleura Cloud REST API and the itopia CAS API from the shell",
    "",
    "Usage: cloudgate <api> <command> [options]",
    "       cloudgate completion bash|zsh|fish",
    "       cloudgate emulator [--port N]   the emulator of both APIs: try it all without an account",
    "       cloudgate --version",
    "",
    ...apis.flatMap((api, i) => [
      `${api.title} commands:`,
      ...rows(commands[i]!, width),
      "",
    ]),
    "Options for every command:",
    ...rows(common, width),
    "",
    "Secrets are never flags: passwords, API keys and tokens come from the",
    "environment (CLEURA_API_PASSWORD, CLEURA_API_TOKEN, ITOPIA_API_KEY,",
    "ITOPIA_PASSWORD) or a prompt; the SMS code from a prompt or standard input.",
    "",
    "Examples:",
    ...apis.flatMap((api) =>
      api.commands.filter((c) => c.featured).flatMap((c) => c.examples)
    ).map((e) => `  ${e}`),
    "",
    "Exit codes: 0 success; 1 API, authentication or network failure;",
    "2 usage or configuration error; 130 Ctrl-C at a prompt.",
  ].join("\n");
}

/**
 * The help of `cloudgate <api> --help`: its commands; or, for a group such as
 * `cloudgate cleura shoot`, the commands of the group.
 */
export function apiHelp(api: Api, group?: string): string {
  const prefix = group === undefined ? api.name : `${api.name} ${group}`;
  const commands = group === undefined
    ? api.commands
    : api.commands.filter((c) => c.name.startsWith(`${group} `));
  return [
    `Usage: cloudgate ${prefix} <command> [options]`,
    "",
    "Commands:",
    ...rows(
      commands.map((c) => [
        group === undefined ? c.name : c.name.slice(group.length + 1),
        c.summary,
      ]),
    ),
    "",
    `Run "cloudgate ${prefix} <command> --help" for a command's options.`,
  ].join("\n");
}

/** The usage line's flags: `--name VALUE` when required, else in brackets. */
function usageFlags(options: OptionsSpec): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const { short: _short, ...long } = spec;
    const label = flagLabel(name, long);
    return spec.type === "string" && spec.required !== undefined
      ? label
      : `[${label}]`;
  });
}

/** The help of `cloudgate <api> <command> --help`: usage, options, examples. */
export function commandHelp(api: Api, command: AnyCommand): string {
  const positionals = command.args ?? [];
  return [
    command.summary,
    "",
    [
      "Usage: cloudgate",
      api.name,
      command.name,
      ...positionals.map((p) => p.name),
      ...usageFlags(command.options),
    ].join(" "),
    "",
    ...(positionals.length === 0 ? [] : [
      "Arguments:",
      ...rows(positionals.map((p) => [p.name, p.help])),
      "",
    ]),
    "Options:",
    ...rows(
      optionRows({ ...command.options, ...COMMON_OPTIONS }),
    ),
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
  ].join("\n");
}
