/**
 * The Kubernetes cluster commands (Gardener shoots): list, show, an admin
 * kubeconfig (a credential: to a private file, or to a pipe, never to a
 * terminal), hibernate and wake (confirmed on a terminal, `--yes` in a
 * script).
 *
 * @module
 */

import { adminKubeconfig, parseDuration } from "../lib/cleura/kubeconfig.ts";
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
import { ConfigError } from "../lib/errors.ts";
import { formatTable } from "../lib/format.ts";
import { type OptionsSpec, UsageError } from "./args.ts";
import { cleuraSession, PROFILE_OPTION } from "./cleura_session.ts";
import { type CommandEnv, defineCommand } from "./command.ts";
import { confirm } from "./io.ts";
import { formatOf, outputOptions, printData, printList } from "./output.ts";

/** `--region`, `--project-id` and `--profile`: where the clusters are. */
const TARGET_OPTIONS = {
  region: {
    type: "string",
    value: "REGION",
    help: "The region, e.g. sto2 (default CLEURA_REGION, then the profile's)",
  },
  "project-id": {
    type: "string",
    value: "ID",
    help:
      "The project (default CLEURA_PROJECT_ID, then the profile's; see: cli.ts cleura projects)",
  },
  ...PROFILE_OPTION,
} as const satisfies OptionsSpec;

const NAME = [{
  name: "NAME",
  help: "The cluster's name (see: cli.ts cleura shoot list)",
}];

type TargetFlags = {
  region: string | undefined;
  "project-id": string | undefined;
  profile: string | undefined;
};

/** The session and the project and region the flags, environment or profile name. */
async function target(options: TargetFlags, env: CommandEnv) {
  const { session, config } = await cleuraSession(env, options.profile);
  const region = options.region ?? config.region;
  const projectId = options["project-id"] ?? config.projectId;
  if (region === undefined) {
    throw new ConfigError(
      "No region: pass --region (e.g. sto2), or set CLEURA_REGION or the profile's region",
    );
  }
  if (projectId === undefined) {
    throw new ConfigError(
      "No project: pass --project-id, or set CLEURA_PROJECT_ID or the profile's project_id (see: cli.ts cleura projects)",
    );
  }
  const where: ShootTarget = { ...env.http, region, projectId };
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

const yesNo = (value: boolean | null) =>
  value === null ? "" : value ? "yes" : "no";

const list = defineCommand({
  name: "shoot list",
  summary: "List the Kubernetes clusters of a project in a region",
  options: {
    ...TARGET_OPTIONS,
    ...outputOptions(
      '{"region", "projectId", "shoots": [...]}, each cluster whole, as the API returns it',
    ),
  },
  examples: ["cli.ts cleura shoot list --region sto2 --project-id 4fd4c6a1"],
  featured: true,
  async run(options, env) {
    const { session, where } = await target(options, env);
    const shoots = await listShoots(session, where);
    return printList(env.io, formatOf(options), {
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
  },
});

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

const get = defineCommand({
  name: "shoot get",
  summary: "Show one Kubernetes cluster",
  options: {
    ...TARGET_OPTIONS,
    ...outputOptions("the whole cluster as the API returns it"),
  },
  args: NAME,
  examples: ["cli.ts cleura shoot get prod-cluster -o yaml"],
  async run(options, env, [name]) {
    const { session, where } = await target(options, env);
    const shoot = await getShoot(session, { ...where, name: name! });
    const format = formatOf(options);
    if (format === "table") env.io.out(details(shoot));
    else printData(env.io, format, shoot);
    return 0;
  },
});

/** Writes a credential: a temporary file of mode 0600 renamed over the path. */
async function writePrivate(path: string, text: string): Promise<void> {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const temp = `${path.slice(0, slash + 1)}.${
    path.slice(slash + 1)
  }.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { mode: 0o600, createNew: true });
    await Deno.chmod(temp, 0o600).catch(() => {});
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw new ConfigError(
      `Cannot write the kubeconfig to "${path.slice(0, 200)}": ${
        error instanceof Deno.errors.NotFound
          ? "its folder does not exist"
          : error instanceof Deno.errors.NotCapable ||
              error instanceof Deno.errors.PermissionDenied
          ? "permission denied"
          : error instanceof Deno.errors.IsADirectory
          ? "it is a folder"
          : "the file system refused"
      }`,
      { cause: error },
    );
  }
}

/** The seconds of `--expiration`; a text that is no duration names the range. */
function expirationOf(text: string | undefined): number {
  if (text === undefined) return 3_600;
  try {
    return parseDuration(text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UsageError(
      `--expiration must be a duration from 10m to 24h, such as 90m or 2h, got ${
        JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
      }`,
    );
  }
}

const kubeconfig = defineCommand({
  name: "shoot kubeconfig",
  summary:
    "Get an admin kubeconfig that expires (a credential: to a file or a pipe)",
  options: {
    expiration: {
      type: "string",
      value: "DURATION",
      help: "How long it stays valid: 10m to 24h, e.g. 90m or 2h (default 1h)",
    },
    file: {
      type: "string",
      short: "f",
      value: "FILE",
      help:
        "Write it to FILE (mode 0600, replaced atomically) and print only the path",
    },
    ...TARGET_OPTIONS,
  },
  args: NAME,
  examples: [
    "cli.ts cleura shoot kubeconfig prod-cluster -f ~/.kube/prod.yaml",
    "cli.ts cleura shoot kubeconfig prod-cluster --expiration 2h | kubectl --kubeconfig /dev/stdin get nodes",
  ],
  async run(options, env, [name]) {
    const { file } = options;
    if (file === undefined && env.io.outIsTerminal) {
      throw new UsageError(
        "A kubeconfig is a credential and is not printed on a terminal: write it to a file with -f FILE, or pipe it to another program",
      );
    }
    const expirationSeconds = expirationOf(options.expiration);
    const { session, where } = await target(options, env);
    const config = await adminKubeconfig(session, {
      ...where,
      name: name!,
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
  },
});

/** Hibernate or wake: what it does, in the words of its messages. */
function changeCommand(
  action: "hibernate" | "wake",
  run: typeof hibernateShoot,
) {
  const verb = action === "hibernate" ? "Hibernate" : "Wake up";
  const doing = action === "hibernate" ? "Hibernating" : "Waking up";
  return defineCommand({
    name: `shoot ${action}`,
    summary: action === "hibernate"
      ? "Hibernate a Kubernetes cluster (asks first; --yes in scripts)"
      : "Wake a hibernated Kubernetes cluster (asks first; --yes in scripts)",
    options: {
      yes: {
        type: "boolean",
        short: "y",
        help: "Do it without asking (needed when not on a terminal)",
      },
      ...TARGET_OPTIONS,
    },
    args: NAME,
    examples: [`cli.ts cleura shoot ${action} dev-cluster --yes`],
    async run(options, env, [name]) {
      const { io } = env;
      if (!options.yes && !io.isTerminal) {
        throw new UsageError(
          `${doing} cluster "${name}" needs --yes when not run on a terminal: nothing was changed`,
        );
      }
      const { session, where } = await target(options, env);
      const cluster = { ...where, name: name! };
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
      await run(session, cluster);
      io.out(
        `${doing} cluster "${name}": the API accepted it (see: cli.ts cleura shoot get ${name})`,
      );
      return 0;
    },
  });
}

/** The cluster commands, in the order the help lists them. */
export const SHOOT_COMMANDS = [
  list,
  get,
  kubeconfig,
  changeCommand("hibernate", hibernateShoot),
  changeCommand("wake", wakeShoot),
];
