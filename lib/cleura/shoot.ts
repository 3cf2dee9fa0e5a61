/**
 * The shape of a Gardener shoot (a Kubernetes cluster) as Cleura's v1 API
 * returns it, read tolerantly, and a flat summary of one for tables and
 * models.
 *
 * @module
 */

import { z } from "zod";

/** A worker group of a cluster. Every field may be missing or `null`. */
export interface ShootWorker {
  /** The group's name. */
  name?: string | null;
  /** The fewest machines. */
  minimum?: number | null;
  /** The most machines. */
  maximum?: number | null;
  /** The machine: its type (flavor) and image. */
  machine?: {
    /** The machine type, e.g. `b.2c4gb`. */
    type?: string | null;
    /** The image. */
    image?: {
      name?: string | null;
      version?: string | null;
      [field: string]: unknown;
    } | null;
    /** Fields cloudgate does not know yet. */
    [field: string]: unknown;
  } | null;
  /** The root volume. */
  volume?: { size?: string | null; [field: string]: unknown } | null;
  /** The availability zones. */
  zones?: string[] | null;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** A condition of a cluster, e.g. `APIServerAvailable`. */
export interface ShootCondition {
  /** What is checked, e.g. `EveryNodeReady`. */
  type?: string | null;
  /** `True`, `False` or `Unknown`. */
  status?: string | null;
  /** Why. */
  message?: string | null;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** The last operation on a cluster. */
export interface ShootLastOperation {
  /** `Create`, `Reconcile`, `Delete`, ... */
  type?: string | null;
  /** `Processing`, `Succeeded`, `Failed`, ... */
  state?: string | null;
  /** Percent done. */
  progress?: number | null;
  /** What it does, in words. */
  description?: string | null;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** What a cluster should be. */
export interface CleuraShootSpec {
  /** `production`, `development`, `evaluation`, ... */
  purpose?: string | null;
  /** The region, e.g. `sto2`. */
  region?: string | null;
  /** The Kubernetes version. */
  kubernetes?: { version?: string | null; [field: string]: unknown } | null;
  /** The infrastructure, with the worker groups. */
  provider?:
    | { workers?: ShootWorker[] | null; [field: string]: unknown }
    | null;
  /** Whether the cluster should hibernate, and when. */
  hibernation?: {
    /** Whether it should be hibernated now. */
    enabled?: boolean | null;
    /** Its hibernation schedules. */
    schedules?: unknown[] | null;
    /** Fields cloudgate does not know yet. */
    [field: string]: unknown;
  } | null;
  /** Fields cloudgate does not know yet (such as `maintenance`), passed through. */
  [field: string]: unknown;
}

/** What a cluster is. */
export interface CleuraShootStatus {
  /** Whether it is hibernated. */
  hibernated?: boolean | null;
  /** Its conditions. */
  conditions?: ShootCondition[] | null;
  /** The last operation on it. */
  lastOperation?: ShootLastOperation | null;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/**
 * A Kubernetes cluster (a Gardener shoot) as the API returns it. Only
 * `metadata.name` is sure to be there; a known field of the wrong type reads
 * as `null`, and fields cloudgate does not know pass through.
 */
export interface CleuraShoot {
  /** Its name and id. */
  metadata: {
    /** The cluster's name. */
    name: string;
    /** Its unique id. */
    uid?: string | null;
    /** Fields cloudgate does not know yet. */
    [field: string]: unknown;
  };
  /** What it should be. */
  spec?: CleuraShootSpec | null;
  /** What it is. */
  status?: CleuraShootStatus | null;
  /** Fields cloudgate does not know yet, passed through untouched. */
  [field: string]: unknown;
}

/** Makes a field optional and nullable; the wire variant also reads a wrong type as `null`. */
type Field = <T extends z.ZodType>(
  schema: T,
) => z.ZodExactOptional<z.ZodType<z.output<T> | null>>;

const exact: Field = (schema) => schema.nullable().exactOptional();
const lenient: Field = (schema) =>
  schema.nullable().catch(null).exactOptional();

/** The shoot schema, with `field` for every field but `metadata.name`. */
function shootSchema(field: Field): z.ZodType<CleuraShoot> {
  const text = () => field(z.string());
  const count = () => field(z.number());
  const worker = z.looseObject({
    name: text(),
    minimum: count(),
    maximum: count(),
    machine: field(z.looseObject({
      type: text(),
      image: field(z.looseObject({ name: text(), version: text() })),
    })),
    volume: field(z.looseObject({ size: text() })),
    zones: field(z.array(z.string())),
  });
  return z.looseObject({
    metadata: z.looseObject({ name: z.string(), uid: text() }),
    spec: field(z.looseObject({
      purpose: text(),
      region: text(),
      kubernetes: field(z.looseObject({ version: text() })),
      provider: field(z.looseObject({ workers: field(z.array(worker)) })),
      hibernation: field(z.looseObject({
        enabled: field(z.boolean()),
        schedules: field(z.array(z.unknown())),
      })),
    })),
    status: field(z.looseObject({
      hibernated: field(z.boolean()),
      conditions: field(z.array(z.looseObject({
        type: text(),
        status: text(),
        message: text(),
      }))),
      lastOperation: field(z.looseObject({
        type: text(),
        state: text(),
        progress: count(),
        description: text(),
      })),
    })),
  });
}

// Built on first use: a tool listing `cleuraShootSchema` does not build them.
let exactShoot: z.ZodType<CleuraShoot> | undefined;
let wireShoot: z.ZodType<CleuraShoot> | undefined;

/**
 * A Kubernetes cluster as returned (the shape of {@linkcode CleuraShoot}, for
 * output schemas). It checks the whole shape, but its JSON Schema (what an
 * MCP client is shown) names only the cluster's parts, to keep a tool list
 * small: the summary ({@linkcode shootSummarySchema}) is the typed view.
 *
 * @example
 * ```ts
 * import { cleuraShootSchema } from "./shoot.ts";
 *
 * const shoot = cleuraShootSchema.parse({ metadata: { name: "prod-cluster" }, spec: { purpose: "production" } });
 * console.log(shoot.spec?.purpose); // production
 * console.log(cleuraShootSchema.safeParse({ metadata: { name: "x" }, spec: { purpose: 7 } }).success); // false
 * ```
 */
export const cleuraShootSchema: z.ZodType<CleuraShoot> = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    uid: z.string().nullable().exactOptional(),
  }),
  spec: z.looseObject({}).nullable().exactOptional().describe(
    "What the cluster should be: purpose, region, kubernetes.version, provider.workers, hibernation, maintenance",
  ),
  status: z.looseObject({}).nullable().exactOptional().describe(
    "What it is: hibernated, conditions, lastOperation",
  ),
}).superRefine((shoot, ctx) => {
  exactShoot ??= shootSchema(exact);
  for (const issue of exactShoot.safeParse(shoot).error?.issues ?? []) {
    ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
});

/**
 * How a shoot is read from the API: as {@linkcode cleuraShootSchema}, but a
 * known field of the wrong type reads as `null`. Built on the first call.
 *
 * @returns The schema, the same every time.
 *
 * @example
 * ```ts
 * import { wireShootSchema } from "./shoot.ts";
 * const shoot = wireShootSchema().parse({ metadata: { name: "x" }, spec: { purpose: 7 } });
 * console.log(shoot.spec?.purpose); // null
 * ```
 */
export function wireShootSchema(): z.ZodType<CleuraShoot> {
  return wireShoot ??= shootSchema(lenient);
}

/** A worker group, in a {@linkcode ShootSummary}. */
export interface ShootWorkerSummary {
  /** The group's name (empty when the API gives none). */
  name: string;
  /** The machine type. */
  machineType: string | null;
  /** The fewest machines. */
  minimum: number | null;
  /** The most machines. */
  maximum: number | null;
  /** The availability zones. */
  zones: string[];
}

/** The last operation, in a {@linkcode ShootSummary}. */
export interface ShootOperationSummary {
  /** `Create`, `Reconcile`, ... (`unknown` when the API does not say). */
  type: string;
  /** `Processing`, `Succeeded`, `Failed`, ... (`unknown` when the API does not say). */
  state: string;
  /** Percent done. */
  progress: number | null;
  /** What it does, in words. */
  description: string | null;
}

/** One cluster in a few flat fields: a row of a clusters table. */
export interface ShootSummary {
  /** The cluster's name. */
  name: string;
  /** The Kubernetes version. */
  kubernetesVersion: string | null;
  /** Its purpose, e.g. `production`. */
  purpose: string | null;
  /** Its region, e.g. `sto2`. */
  region: string | null;
  /** The last operation, or `null` when there is none. */
  lastOperation: ShootOperationSummary | null;
  /** Whether it is hibernated (`null` when the API does not say). */
  hibernated: boolean | null;
  /** Whether the last operation was a `Create` or `Reconcile` that `Succeeded`. */
  ready: boolean;
  /** Its worker groups. */
  workers: ShootWorkerSummary[];
}

/**
 * The shape of {@linkcode ShootSummary}, for output schemas.
 *
 * @example
 * ```ts
 * import { shootSummarySchema } from "./shoot.ts";
 *
 * console.log(shootSummarySchema.safeParse({ name: "x" }).success); // false
 * ```
 */
export const shootSummarySchema: z.ZodType<ShootSummary> = z.object({
  name: z.string(),
  kubernetesVersion: z.string().nullable(),
  purpose: z.string().nullable(),
  region: z.string().nullable(),
  lastOperation: z.object({
    type: z.string(),
    state: z.string(),
    progress: z.number().nullable().describe("Percent done"),
    description: z.string().nullable(),
  }).nullable(),
  hibernated: z.boolean().nullable(),
  ready: z.boolean().describe(
    "The last operation is a Create or Reconcile that Succeeded",
  ),
  workers: z.array(z.object({
    name: z.string(),
    machineType: z.string().nullable(),
    minimum: z.number().nullable(),
    maximum: z.number().nullable(),
    zones: z.array(z.string()),
  })),
});

const READY_OPERATIONS = new Set(["Create", "Reconcile"]);

/**
 * Sums a cluster up in a few flat fields. Ready means the last operation is
 * a `Create` or `Reconcile` that `Succeeded` (a hibernated cluster can be
 * ready).
 *
 * @param shoot The cluster, as {@linkcode getShoot} returns it.
 * @returns Its summary.
 *
 * @example
 * ```ts
 * import { summarizeShoot } from "@cloudgate/toolkit";
 *
 * const summary = summarizeShoot({
 *   metadata: { name: "prod-cluster" },
 *   spec: { kubernetes: { version: "1.31.4" } },
 *   status: { lastOperation: { type: "Reconcile", state: "Succeeded", progress: 100 } },
 * });
 * console.log(summary.kubernetesVersion, summary.ready); // 1.31.4 true
 * ```
 */
export function summarizeShoot(shoot: CleuraShoot): ShootSummary {
  const spec = shoot.spec ?? undefined;
  const op = shoot.status?.lastOperation ?? undefined;
  const lastOperation = op && (op.type || op.state)
    ? {
      type: op.type || "unknown",
      state: op.state || "unknown",
      progress: op.progress ?? null,
      description: op.description ?? null,
    }
    : null;
  return {
    name: shoot.metadata.name,
    kubernetesVersion: spec?.kubernetes?.version ?? null,
    purpose: spec?.purpose ?? null,
    region: spec?.region ?? null,
    lastOperation,
    hibernated: shoot.status?.hibernated ?? null,
    ready: lastOperation !== null &&
      READY_OPERATIONS.has(lastOperation.type) &&
      lastOperation.state === "Succeeded",
    workers: (spec?.provider?.workers ?? []).map((worker) => ({
      name: worker.name ?? "",
      machineType: worker.machine?.type ?? null,
      minimum: worker.minimum ?? null,
      maximum: worker.maximum ?? null,
      zones: worker.zones ?? [],
    })),
  };
}

/**
 * What identifies a cluster's present state, for a confirmation bound to it:
 * its id and Kubernetes `resourceVersion`/`generation` (when the API passes
 * them), whether it is or should be hibernated, and its last operation with
 * the time of its last update. Any change to the cluster since (a hibernation,
 * a wake, a reconcile) gives another value.
 *
 * @param shoot The cluster, as {@linkcode getShoot} returns it.
 * @returns An opaque text; equal texts mean an unchanged cluster.
 *
 * @example
 * ```ts
 * import { shootVersion } from "@cloudgate/toolkit";
 *
 * const awake = { metadata: { name: "c", uid: "1" }, status: { hibernated: false } };
 * const asleep = { metadata: { name: "c", uid: "1" }, status: { hibernated: true } };
 * console.log(shootVersion(awake) === shootVersion(asleep)); // false
 * ```
 */
export function shootVersion(shoot: CleuraShoot): string {
  const { metadata, spec, status } = shoot;
  const op = status?.lastOperation ?? undefined;
  return JSON.stringify([
    metadata.uid ?? null,
    metadata.resourceVersion ?? null,
    metadata.generation ?? null,
    spec?.hibernation?.enabled ?? null,
    status?.hibernated ?? null,
    op?.type ?? null,
    op?.state ?? null,
    op?.progress ?? null,
    op?.lastUpdateTime ?? null,
  ]);
}
