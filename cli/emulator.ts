/**
 * `cloudgate emulator`: the emulator of both APIs on this machine, to try every
 * command and tool without an account. It prints the `export` lines that
 * point the CLI and the MCP server at it, its accounts and what each shows,
 * and each SMS code as it is "sent"; it runs until Ctrl-C (or SIGTERM) and
 * then exits 0.
 *
 * @module
 */

import { EMULATOR_FIXTURES } from "../lib/testing/accounts.ts";
import { startEmulator } from "../lib/testing/emulator.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

const OPTIONS = {
  port: {
    type: "string",
    value: "N",
    help: "The port on 127.0.0.1 (default: a free one)",
  },
  cleura: {
    type: "string",
    value: "GEN",
    help: "The Cleura API generations served: both (default), v2 or v1",
  },
  help: { type: "boolean", help: "Show this help" },
} as const;

/** One line for the main help. */
export const EMULATOR_SUMMARY =
  "Run the emulator of both APIs here: try every command without an account";

const HELP = [
  "Usage: cloudgate emulator [--port N] [--cleura both|v2|v1]",
  "",
  EMULATOR_SUMMARY + ".",
  "It prints the export lines for the CLI and the MCP server, the accounts,",
  "and each SMS code as it is sent; Ctrl-C stops it. It needs to listen on",
  "127.0.0.1 (--allow-net=127.0.0.1).",
  "",
  "Options:",
  "  --port N      The port on 127.0.0.1 (default: a free one)",
  "  --cleura GEN  The Cleura API generations served: both (default), v2 or v1,",
  "                as a private installation with one generation would",
  "  --help        Show this help",
].join("\n");

/** What each account shows, by login. */
const SHOWS: Record<string, string> = {
  alice: "no two-factor",
  bob: "SMS two-factor (twofactor_required)",
  carol: "SMS or WebAuthn (twofactor_options: the SMS is chosen)",
  dave: "WebAuthn only (refused: cloudgate speaks SMS)",
};

function port(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535, got "${
        raw.slice(0, 20)
      }"`,
    );
  }
  return n;
}

function generations(raw: string | undefined): ("v1" | "v2")[] {
  if (raw === undefined || raw === "both") return ["v1", "v2"];
  if (raw === "v1" || raw === "v2") return [raw];
  throw new UsageError(
    `--cleura must be both, v2 or v1, got "${raw.slice(0, 20)}"`,
  );
}

/**
 * Runs `cloudgate emulator [--port N] [--cleura both|v2|v1]` until `stop` is
 * aborted (by default on SIGINT or SIGTERM), printing what a user needs to
 * point the CLI and the MCP server at it.
 *
 * @param io Where to print.
 * @param args The arguments after `emulator`.
 * @param stop Stops the emulator; by default Ctrl-C or SIGTERM.
 * @returns The exit code: 0 once stopped, and after `--help`.
 *
 * @example
 * ```ts ignore
 * import { runEmulator } from "./emulator.ts";
 * const stop = new AbortController();
 * setTimeout(() => stop.abort(), 1000);
 * await runEmulator(io, [], stop.signal); // prints the export lines, then stops
 * ```
 */
export async function runEmulator(
  io: CliIo,
  args: string[],
  stop: AbortSignal = signalStop(),
): Promise<number> {
  const { values } = parseCommandArgs(OPTIONS, args, "emulator");
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const served = generations(values.cleura as string | undefined);
  const emulator = await startEmulator({
    port: port(values.port as string | undefined),
    cleuraGenerations: served,
    onSms: (sms) => io.out(smsLine(sms)),
  });
  const [itopiaKey] = EMULATOR_FIXTURES.itopiaApiKeys;
  io.out(
    [
      `# cloudgate emulator of Cleura (${
        served.join(" and ")
      }) and itopia on ${emulator.url} (Ctrl-C stops it)`,
      "# In another shell:",
      `export CLEURA_API_URL=${emulator.cleuraUrl}`,
      "export CLEURA_API_USERNAME=alice CLEURA_API_PASSWORD=alice-password",
      `export ITOPIA_API_URL=${emulator.itopiaUrl}`,
      `export ITOPIA_API_KEY=${
        itopiaKey!.key
      } ITOPIA_ORGANIZATION_ID=42 ITOPIA_DEPLOYMENT_ID=101`,
      "# Cleura accounts (password: <login>-password):",
      ...EMULATOR_FIXTURES.cleuraUsers.map((user) =>
        `#   ${user.login.padEnd(6)} ${SHOWS[user.login] ?? ""}`
      ),
      "# itopia: organization 42 with deployments 101 (5 instances) and 102 (1,200);",
      "#   admin@example.com / admin-password for the login method",
      "# Kubernetes clusters: prod-cluster and dev-cluster (hibernated),",
      "#   region sto2, project 79b0cef4p1 (CLEURA_REGION, CLEURA_PROJECT_ID)",
    ].join("\n"),
  );
  if (!stop.aborted) {
    await new Promise((resolve) => stop.addEventListener("abort", resolve));
  }
  await emulator.close();
  return 0;
}

/**
 * The line printed for an SMS the emulator "sends": its six digits as a phone
 * shows them, leading zeros kept (the API takes the code as an integer, so
 * 052944 is 52944 there; typing either works).
 *
 * @param sms The login and code.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { smsLine } from "./emulator.ts";
 *
 * console.log(smsLine({ login: "bob", code: 52944 })); // # SMS to bob: 052944
 * ```
 */
export function smsLine(sms: { login: string; code: number }): string {
  return `# SMS to ${sms.login}: ${String(sms.code).padStart(6, "0")}`;
}

/** Aborts on the first SIGINT or SIGTERM, and stops listening for them then. */
function signalStop(): AbortSignal {
  const controller = new AbortController();
  const signals: Deno.Signal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  const onSignal = () => {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    controller.abort();
  };
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  return controller.signal;
}
