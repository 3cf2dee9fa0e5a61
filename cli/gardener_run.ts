/**
 * What the Kubernetes cluster commands run (declared in `gardener.ts`).
 *
 * @module
 */

import {
  adminKubeconfig,
  MAX_EXPIRATION,
  MIN_EXPIRATION,
  parseDuration,
} from "../lib/cleura/kubeconfig.ts";
import {
  type CleuraShoot,
  getShoot,
  hibernateShoot,
  listShoots,
  type ShootSummary,
  type ShootTarget,
  summarizeShoot,
  wakeShoot,
} from "../lib/cleura/gardener.ts";
import { cleuraTarget } from "../lib/cleura/resolve.ts";
import { ConfigError } from "../lib/errors.ts";
import { formatTable } from "../lib/format.ts";
import { splitPath, writePrivateFile } from "../lib/private_file.ts";
import { type Parsed, UsageError } from "./args.ts";
import type { TARGET_OPTIONS } from "./cleura_options.ts";
import { cleuraSession, TARGET_NAMES } from "./cleura_session.ts";
import type { CommandEnv } from "./command.ts";
import type {
  CHANGE_OPTIONS,
  GET_OPTIONS,
  KUBECONFIG_OPTIONS,
  LIST_OPTIONS,
} from "./gardener.ts";
import { confirm } from "./io.ts";
import { formatOf, printData, printList, yesNo } from "./output.ts";

type TargetFlags = Parsed<typeof TARGET_OPTIONS>;

/** The session and the project and region the flags, environment or profile name. */
async function target(options: TargetFlags, env: CommandEnv) {
  const { session, config } = await cleuraSession(env, options.profile, false, {
    region: options.region,
    projectId: options["project-id"],
  });
  const where: ShootTarget = {
    ...env.http,
    ...cleuraTarget(config, TARGET_NAMES),
  };
  return { session, where };
}

function lastOperation(s: ShootSummary): string {
  const op = s.lastOperation;
  if (!op) return "";
  return `${op.type} ${op.state}${
    op.progress === null ? "" : ` ${op.progress}%`
  }`;
}

function workers(s: ShootSummary): string {
  return s.workers.map((w) =>
    `${w.name} (${w.machineType ?? "?"}, ${w.minimum ?? "?"}-${
      w.maximum ?? "?"
    })`
  ).join(", ");
}

/** `cleura shoot list`: the clusters of a project in a region. */
export async function list(
  options: Parsed<typeof LIST_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const { session, where } = await target(options, env);
  const shoots = await listShoots(session, where);
  return await printList(env.io, formatOf(options), {
    data: { region: where.region, projectId: where.projectId, shoots },
    rows: shoots.map(summarizeShoot),
    empty:
      `No Kubernetes clusters in project "${where.projectId}", region ${where.region}.`,
    columns: [
      { header: "NAME", value: (s) => s.name },
      { header: "VERSION", value: (s) => s.kubernetesVersion },
      { header: "LAST OPERATION", value: lastOperation },
      { header: "READY", value: (s) => yesNo(s.ready) },
      { header: "HIBERNATED", value: (s) => yesNo(s.hibernated) },
      { header: "WORKERS", value: workers },
    ],
  });
}

/** The details of one cluster, for a terminal. */
function details(shoot: CleuraShoot): string {
  const s = summarizeShoot(shoot);
  const conditions = shoot.status?.conditions ?? [];
  return [
    formatTable([
      ["Name", s.name],
      ["Kubernetes", s.kubernetesVersion],
      ["Purpose", s.purpose],
      ["Region", s.region],
      ["Last operation", lastOperation(s)],
      ["Ready", yesNo(s.ready)],
      ["Hibernated", yesNo(s.hibernated)],
    ], [
      { header: "CLUSTER", value: (r) => r[0] },
      { header: "", value: (r) => r[1] },
    ]),
    "",
    s.workers.length === 0 ? "No worker groups." : formatTable(s.workers, [
      { header: "WORKER GROUP", value: (w) => w.name },
      { header: "MACHINE", value: (w) => w.machineType },
      { header: "MIN", value: (w) => w.minimum },
      { header: "MAX", value: (w) => w.maximum },
      { header: "ZONES", value: (w) => w.zones.join(", ") },
    ]),
    ...(Array.isArray(conditions) && conditions.length > 0
      ? [
        "",
        formatTable(conditions as Record<string, unknown>[], [
          { header: "CONDITION", value: (c) => c.type },
          { header: "STATUS", value: (c) => c.status },
          { header: "MESSAGE", value: (c) => c.message },
        ]),
      ]
      : []),
  ].join("\n");
}

/** `cleura shoot get`: one cluster. */
export async function get(
  options: Parsed<typeof GET_OPTIONS>,
  env: CommandEnv,
  name: string,
): Promise<number> {
  const { session, where } = await target(options, env);
  const shoot = await getShoot(session, { ...where, name });
  const format = formatOf(options);
  if (format === "table") env.io.out(details(shoot));
  else await printData(env.io, format, shoot);
  return 0;
}

/** Why a kubeconfig cannot be written, in words. */
function fileProblem(error: unknown): string {
  return error instanceof Deno.errors.NotFound
    ? "its folder does not exist"
    : error instanceof Deno.errors.NotCapable ||
        error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : error instanceof Deno.errors.IsADirectory
    ? "it is a folder"
    : error instanceof Deno.errors.NotADirectory
    ? "its folder is not a folder"
    : "the file system refused";
}

/** The error of a kubeconfig that cannot be written to `path`. */
function cannotWrite(path: string, reason: string, cause?: unknown) {
  return new ConfigError(
    `Cannot write the kubeconfig to "${path.slice(0, 200)}": ${reason}`,
    { cause },
  );
}

/**
 * Refuses, before the API is asked for a credential, a path the kubeconfig
 * surely cannot be written to: a missing folder, or a folder in its place.
 */
async function checkWritable(path: string): Promise<void> {
  const { folder } = splitPath(path);
  let reason: string | undefined;
  try {
    if (!(await Deno.stat(folder)).isDirectory) {
      reason = "its folder is not a folder";
    } else if ((await Deno.stat(path).catch(() => undefined))?.isDirectory) {
      reason = "it is a folder";
    }
  } catch (error) {
    reason = fileProblem(error);
  }
  if (reason !== undefined) throw cannotWrite(path, reason);
}

/** Writes a credential: only its owner may read it, replaced atomically. */
async function writePrivate(path: string, text: string): Promise<void> {
  try {
    await writePrivateFile(path, text);
  } catch (error) {
    throw cannotWrite(path, fileProblem(error), error);
  }
}

/** The seconds of `--expiration`; a text that is no duration names the range. */
function expirationOf(text: string | undefined): number {
  if (text === undefined) return 3_600;
  const refuse = () =>
    new UsageError(
      `--expiration must be a duration from 10m to 24h, such as 90m or 2h, got ${
        JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
      }`,
    );
  let seconds: number;
  try {
    seconds = parseDuration(text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw refuse();
  }
  // Checked here, before the login: a 5m is refused naming the flag.
  if (seconds < MIN_EXPIRATION || seconds > MAX_EXPIRATION) throw refuse();
  return seconds;
}

/** `cleura shoot kubeconfig`: an admin kubeconfig, to a file or a pipe. */
export async function kubeconfig(
  options: Parsed<typeof KUBECONFIG_OPTIONS>,
  env: CommandEnv,
  name: string,
): Promise<number> {
  const { file } = options;
  if (file === undefined && env.io.outIsTerminal) {
    throw new UsageError(
      "A kubeconfig is a credential and is not printed on a terminal: write it to a file with -f FILE, or pipe it to another program",
    );
  }
  const expirationSeconds = expirationOf(options.expiration);
  if (file !== undefined) await checkWritable(file);
  const { session, where } = await target(options, env);
  const config = await adminKubeconfig(session, {
    ...where,
    name,
    expirationSeconds,
  });
  if (file === undefined) {
    // A pipe: the credential as it is (it never passes the terminal).
    env.io.out(config.replace(/\n$/, ""));
    return 0;
  }
  await writePrivate(file, config.endsWith("\n") ? config : `${config}\n`);
  env.io.out(file);
  return 0;
}

/**
 * `cleura shoot hibernate` and `cleura shoot wake`: asks first on a terminal
 * (`--yes` skips it, and is needed elsewhere).
 */
export async function change(
  action: "hibernate" | "wake",
  options: Parsed<typeof CHANGE_OPTIONS>,
  env: CommandEnv,
  name: string,
): Promise<number> {
  const verb = action === "hibernate" ? "Hibernate" : "Wake up";
  const doing = action === "hibernate" ? "Hibernating" : "Waking up";
  const { io } = env;
  if (!options.yes && !io.isTerminal) {
    throw new UsageError(
      `${doing} cluster "${name}" needs --yes when not run on a terminal: nothing was changed`,
    );
  }
  const { session, where } = await target(options, env);
  const cluster = { ...where, name };
  if (!options.yes) {
    const s = summarizeShoot(await getShoot(session, cluster));
    const ok = await confirm(
      io,
      `${verb} Kubernetes cluster "${s.name}" (${
        s.kubernetesVersion ?? "version unknown"
      }, hibernated: ${
        yesNo(s.hibernated) || "unknown"
      }) in project "${where.projectId}", region ${where.region}?`,
    );
    if (!ok) {
      io.err(`Not confirmed: cluster "${name}" was not changed`);
      return 1;
    }
  }
  await (action === "hibernate" ? hibernateShoot : wakeShoot)(session, cluster);
  io.out(
    `${doing} cluster "${name}": the API accepted it (see: cloudgate cleura shoot get ${name})`,
  );
  return 0;
}
