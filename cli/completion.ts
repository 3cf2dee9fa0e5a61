/**
 * `cloudgate completion bash|zsh|fish`: a completion script for every command,
 * option and option value, written from the command declarations (as the
 * help is), so it cannot drift from what the CLI takes.
 *
 * @module
 */

import { COMMON_OPTIONS, type OptionsSpec, UsageError } from "./args.ts";
import type { Api } from "./command.ts";
import type { CliIo } from "./io.ts";

/** The shells a script can be written for. */
const SHELLS = ["bash", "zsh", "fish"] as const;

type Shell = typeof SHELLS[number];

/** The names the CLI runs under: the script and an installed command. */
const PROGRAMS = ["cloudgate", "cli.ts"];

/** A word to offer, with a line of description. */
interface Word {
  word: string;
  help: string;
}

/** A place in the command line and the words it offers. */
interface Node {
  /** The words before it, such as `cleura shoot`. */
  path: string;
  /** `true` for a command (its flags are offered after its arguments too). */
  leaf: boolean;
  /** The words offered. */
  words: Word[];
  /** The values of flags that take a fixed set (`-o` → table json yaml). */
  choices: { flags: string[]; values: readonly string[] }[];
}

function flagWords(options: OptionsSpec): Word[] {
  return Object.entries(options).flatMap(([name, spec]) => [
    { word: `--${name}`, help: spec.help },
    ...(spec.short ? [{ word: `-${spec.short}`, help: spec.help }] : []),
  ]);
}

/** Every node of the command tree, deepest first. */
function nodes(apis: readonly Api[]): Node[] {
  const all: Node[] = [{
    path: "",
    leaf: false,
    words: [
      ...apis.map((api) => ({ word: api.name, help: `${api.title} commands` })),
      { word: "completion", help: "Print a shell completion script" },
      { word: "emulator", help: "Run the emulator of both APIs here" },
      { word: "--help", help: "Show the help" },
      { word: "--version", help: "Print the version" },
    ],
    choices: [],
  }, {
    path: "completion",
    leaf: false,
    words: SHELLS.map((shell) => ({ word: shell, help: `A ${shell} script` })),
    choices: [],
  }, {
    path: "emulator",
    leaf: true,
    words: [{ word: "--port", help: "The port on 127.0.0.1" }],
    choices: [],
  }];
  for (const api of apis) {
    const first = new Map<string, string>();
    for (const command of api.commands) {
      const [word, sub] = command.name.split(" ") as [string, string?];
      if (!first.has(word)) {
        first.set(
          word,
          sub === undefined ? command.summary : `${word} commands`,
        );
      }
      if (sub !== undefined) {
        const path = `${api.name} ${word}`;
        let group = all.find((n) => n.path === path);
        if (!group) {
          group = { path, leaf: false, words: [], choices: [] };
          all.push(group);
        }
        group.words.push({ word: sub, help: command.summary });
      }
      const options: OptionsSpec = { ...command.options, ...COMMON_OPTIONS };
      all.push({
        path: `${api.name} ${command.name}`,
        leaf: true,
        words: flagWords(options),
        choices: Object.entries(options).flatMap(([name, spec]) =>
          spec.type === "string" && spec.choices
            ? [{
              flags: [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])],
              values: spec.choices,
            }]
            : []
        ),
      });
    }
    all.push({
      path: api.name,
      leaf: false,
      words: [...first].map(([word, help]) => ({ word, help })),
      choices: [],
    });
  }
  return all.sort((a, b) => b.path.length - a.path.length);
}

/** The flags that take a value: the word after one is not a command. */
function valueFlags(apis: readonly Api[]): string[] {
  const flags = new Set<string>();
  const add = (options: OptionsSpec | undefined) => {
    for (const [name, spec] of Object.entries(options ?? {})) {
      if (spec.type !== "string") continue;
      flags.add(`--${name}`);
      if (spec.short) flags.add(`-${spec.short}`);
    }
  };
  add(COMMON_OPTIONS);
  for (const api of apis) {
    for (const command of api.commands) add(command.options);
  }
  return [...flags].sort();
}

/** Quotes a word for a shell's single quotes. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The loop (bash and zsh alike) that reads the words before the cursor into
 * `at`, the command path (`cleura shoot get`), skipping flags and their values.
 */
function walk(
  apis: readonly Api[],
  first: string,
  end: string,
  word: string,
): string[] {
  return [
    `  for ((i = ${first}; i < ${end}; i++)); do`,
    `    w=${word}`,
    "    if ((skip)); then skip=0; continue; fi",
    '    case "$w" in',
    `      ${valueFlags(apis).join("|")}) skip=1; continue ;;`,
    "      -*) continue ;;",
    "    esac",
    '    at="${at:+$at }$w"',
    "  done",
  ];
}

function bash(apis: readonly Api[]): string {
  const tree = nodes(apis);
  const cases = tree.map((node) => {
    const pattern = node.leaf
      ? `${quote(node.path)}|${quote(`${node.path} `)}*`
      : quote(node.path);
    return `    ${pattern}) words=${
      quote(node.words.map((w) => w.word).join(" "))
    } ;;`;
  });
  const choices = tree.flatMap((node) =>
    node.choices.map((c) =>
      `    ${c.flags.join("|")}) COMPREPLY=($(compgen -W ${
        quote(c.values.join(" "))
      } -- "$cur")); return ;;`
    )
  );
  return [
    "# bash completion for cloudgate: generated by `cloudgate completion bash`",
    "# Load it with: source <(cloudgate completion bash)",
    "_cloudgate() {",
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  local at="" skip=0 i w words=""',
    ...walk(apis, "1", "COMP_CWORD", '"${COMP_WORDS[i]}"'),
    '  case "$prev" in',
    ...[...new Set(choices)],
    "  esac",
    '  case "$at" in',
    ...cases,
    "  esac",
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    "}",
    `complete -F _cloudgate ${PROGRAMS.join(" ")}`,
  ].join("\n");
}

function zsh(apis: readonly Api[]): string {
  const tree = nodes(apis);
  const describe = (words: Word[]) =>
    words.map((w) =>
      quote(`${w.word.replaceAll(":", "\\:")}:${w.help.replaceAll(":", "\\:")}`)
    ).join(" ");
  const cases = tree.map((node) => {
    const pattern = node.leaf
      ? `${quote(node.path)}|${quote(`${node.path} `)}*`
      : quote(node.path);
    return `    ${pattern}) items=(${describe(node.words)}) ;;`;
  });
  const choices = tree.flatMap((node) =>
    node.choices.map((c) =>
      `    ${c.flags.join("|")}) compadd -- ${
        c.values.map(quote).join(" ")
      }; return ;;`
    )
  );
  return [
    `#compdef ${PROGRAMS.join(" ")}`,
    "# zsh completion for cloudgate: generated by `cloudgate completion zsh`",
    "# Load it with: source <(cloudgate completion zsh)",
    "_cloudgate() {",
    // Not `path`: zsh ties that name to PATH.
    '  local at="" skip=0 i w',
    "  local -a items",
    ...walk(apis, "2", "CURRENT", "${words[i]}"),
    '  case "${words[CURRENT-1]}" in',
    ...[...new Set(choices)],
    "  esac",
    '  case "$at" in',
    ...cases,
    "  esac",
    "  _describe -t commands cloudgate items",
    "}",
    `compdef _cloudgate ${PROGRAMS.join(" ")}`,
  ].join("\n");
}

function fish(apis: readonly Api[]): string {
  const lines: string[] = [
    "# fish completion for cloudgate: generated by `cloudgate completion fish`",
    "# Load it with: cloudgate completion fish | source",
    "function __cloudgate_path",
    "    set -l path",
    "    set -l skip 0",
    "    for w in (commandline -opc)[2..-1]",
    "        if test $skip = 1",
    "            set skip 0",
    "            continue",
    "        end",
    "        switch $w",
    `            case ${valueFlags(apis).map(quote).join(" ")}`,
    "                set skip 1",
    "            case '-*'",
    "            case '*'",
    "                set path $path $w",
    "        end",
    "    end",
    "    string join ' ' -- $path",
    "end",
    "function __cloudgate_at",
    '    test "$(__cloudgate_path)" = "$argv[1]"',
    "end",
    "function __cloudgate_in",
    "    set -l path (__cloudgate_path)",
    '    test "$path" = "$argv[1]"; or string match -q -- "$argv[1] *" "$path"',
    "end",
  ];
  for (const program of PROGRAMS) {
    lines.push(`complete -c ${program} -f`);
    for (const node of nodes(apis)) {
      const test = `${node.leaf ? "__cloudgate_in" : "__cloudgate_at"} ${
        quote(node.path)
      }`;
      for (const { word, help } of node.words) {
        const what = word.startsWith("--")
          ? `-l ${word.slice(2)}`
          : word.startsWith("-")
          ? `-s ${word.slice(1)}`
          : `-a ${quote(word)}`;
        const choice = node.choices.find((c) => c.flags.includes(word));
        const values = choice ? ` -r -a ${quote(choice.values.join(" "))}` : "";
        lines.push(
          `complete -c ${program} -n ${quote(test)} ${what}${values} -d ${
            quote(help)
          }`,
        );
      }
    }
  }
  return lines.join("\n");
}

/**
 * `cloudgate completion SHELL`: prints the completion script.
 *
 * @returns 0, the exit code.
 * @throws {UsageError} Without a shell, or with one it does not know.
 */
export function completion(
  apis: readonly Api[],
  io: CliIo,
  args: string[],
): number {
  const [shell, extra] = args;
  if (
    shell === undefined || extra !== undefined ||
    !SHELLS.includes(shell as Shell)
  ) {
    throw new UsageError(
      `Usage: cloudgate completion bash|zsh|fish${
        shell === undefined ? "" : `, got "${args.join(" ").slice(0, 40)}"`
      }`,
    );
  }
  const write = { bash, zsh, fish }[shell as Shell];
  io.out(write(apis));
  return 0;
}
