/**
 * The emulator's Gardener v2 routes, on the same clusters as v1's:
 * `/gardener/v2/<garden>/shoots/<region>/<project>[/<name>]`, `PATCH …/hibernate`
 * and `…/wakeup` (v1's handlers), and `POST …/admin-kubeconfig`, answered 201
 * with the YAML itself served as `text/html`, as the live API does.
 *
 * @module
 */

import type { CleuraShoot } from "../cleura/shoot.ts";
import { answered, kubeconfigRoute, shootReads } from "./gardener.ts";
import type { EmulatorState, Route } from "./state.ts";

/** A cluster as v2 sends it, with the emulator's hostile text if asked. */
function asV2(state: EmulatorState, shoot: CleuraShoot): unknown {
  return v2Shoot(answered(state, shoot) as CleuraShoot);
}

/**
 * A cluster of the emulator as the v2 API sends it: flat and snake_case
 * (`name`, `kubernetes`, `shoot_provider.workers`, `maintenance.auto_update`,
 * `status.is_hibernated`, `last_operation`), as cleura-client-go's
 * `GardenerShootShoot` declares it.
 *
 * @param shoot The cluster as the emulator keeps it (v1's shape).
 * @returns The body v2 sends.
 *
 * @example
 * ```ts
 * import { seedShoots } from "./gardener.ts";
 * import { v2Shoot } from "./gardener_v2.ts";
 *
 * const [first] = seedShoots();
 * console.log((v2Shoot(first!.shoot) as { name: string }).name); // prod-cluster
 * ```
 */
export function v2Shoot(shoot: CleuraShoot): unknown {
  const { metadata, spec, status } = shoot;
  const maintenance = (spec?.maintenance ?? {}) as {
    autoUpdate?: { kubernetesVersion?: boolean; machineImageVersion?: boolean };
    timeWindow?: { begin?: string; end?: string };
  };
  const { hibernated, lastOperation, conditions, ...rest } = status ?? {};
  const op = lastOperation ?? undefined;
  return {
    name: metadata.name,
    uid: metadata.uid,
    namespace: `garden-${metadata.name}`,
    cloud_profile_name: "cleuracloud",
    purpose: spec?.purpose,
    region: spec?.region,
    kubernetes: { version: spec?.kubernetes?.version },
    shoot_provider: { type: "openstack", workers: spec?.provider?.workers },
    hibernation: { schedules: spec?.hibernation?.schedules ?? [] },
    maintenance: {
      auto_update: {
        kubernetes_version: maintenance.autoUpdate?.kubernetesVersion ?? true,
        machine_image_version: maintenance.autoUpdate?.machineImageVersion ??
          true,
      },
      time_window: {
        begin: maintenance.timeWindow?.begin ?? "220000+0100",
        end: maintenance.timeWindow?.end ?? "230000+0100",
      },
    },
    networking: { type: "calico", nodes: "10.250.0.0/16" },
    status: {
      ...rest,
      is_hibernated: hibernated ?? false,
      conditions: conditions ?? [],
      constraints: [],
      last_errors: [],
    },
    ...(op
      ? {
        last_operation: {
          type: op.type,
          state: op.state,
          progress: op.progress,
          description: op.description,
          last_update_time: op.lastUpdateTime ?? "2026-01-01T00:00:00Z",
        },
      }
      : {}),
  };
}

/** v2's reads: `GET /gardener/v2/<garden>/shoots/<region>/<project>[/<name>]`. */
export const V2_SHOOT_READS: { list: Route; get: Route } = shootReads(asV2);

/**
 * `POST /gardener/v2/…/<name>/admin-kubeconfig {expiration_seconds}`: 201,
 * the YAML itself served as `text/html`, as the live API does.
 */
export const adminKubeconfigV2: Route = kubeconfigRoute(
  "expiration_seconds",
  (yaml) =>
    new Response(yaml, {
      status: 201,
      headers: { "content-type": "text/html; charset=utf-8" },
    }),
);
