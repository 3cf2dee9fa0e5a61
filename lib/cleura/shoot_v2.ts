/**
 * A Kubernetes cluster as the v2 API sends it, read into the one model of a
 * cluster ({@linkcode CleuraShoot}) that both generations give.
 *
 * @module
 */

import { z } from "zod";
import { type CleuraShoot, wireShootSchema } from "./shoot.ts";

let v2Shoot: z.ZodType<CleuraShoot> | undefined;

const recordOf = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};

/**
 * A cluster as the v2 API sends it (flat: `name`, `kubernetes`,
 * `shoot_provider.workers`, `status.is_hibernated`, `last_operation`), read
 * into the shape of {@linkcode CleuraShoot} (`metadata`, `spec`, `status`)
 * so that both generations give one model; the fields that shape has no place
 * for (`namespace`, `networking`, `maintenance`, …) stay at the top level.
 *
 * @returns The schema, the same every time.
 *
 * @example
 * ```ts
 * import { v2ShootSchema } from "./shoot_v2.ts";
 * const shoot = v2ShootSchema().parse({
 *   name: "prod", kubernetes: { version: "1.31.4" }, status: { is_hibernated: true },
 *   last_operation: { type: "Reconcile", state: "Succeeded", progress: 100 },
 * });
 * console.log(shoot.metadata.name, shoot.status?.hibernated, shoot.spec?.kubernetes?.version); // prod true 1.31.4
 * ```
 */
export function v2ShootSchema(): z.ZodType<CleuraShoot> {
  return v2Shoot ??= z.looseObject({ name: z.string() }).transform(
    (raw, ctx) => {
      const read = wireShootSchema().safeParse(modelOfV2(raw));
      if (read.success) return read.data;
      for (const issue of read.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: issue.path,
          message: issue.message,
        });
      }
      return z.NEVER;
    },
  ) as unknown as z.ZodType<CleuraShoot>;
}

/** A v2 cluster's fields, placed as {@linkcode CleuraShoot} places them. */
function modelOfV2(raw: Record<string, unknown>): Record<string, unknown> {
  const {
    name,
    uid,
    purpose,
    region,
    kubernetes,
    shoot_provider,
    hibernation,
    status,
    last_operation,
    ...rest
  } = raw;
  const { is_hibernated, ...state } = recordOf(status);
  const given = (key: string, value: unknown) =>
    value === undefined ? {} : { [key]: value };
  return {
    ...rest,
    metadata: { name, ...given("uid", uid) },
    spec: {
      ...given("purpose", purpose),
      ...given("region", region),
      ...given("kubernetes", kubernetes),
      ...given("provider", shoot_provider),
      ...given("hibernation", hibernation),
    },
    status: {
      ...state,
      ...given("hibernated", is_hibernated),
      ...given("lastOperation", last_operation),
    },
  };
}
