/**
 * The admin kubeconfig of a Kubernetes cluster, which expires, and the
 * durations (`1h`, `90m`) its lifetime is written in. A kubeconfig is a
 * credential: it never appears in an error or a warning.
 *
 * @module
 */

import { ConfigError, ResponseFormatError } from "../errors.ts";
import type { CleuraSession } from "./session.ts";
import type { CleuraReader } from "./session_options.ts";
import {
  locateShoot,
  type NamedShootTarget,
  onShoot,
  shown,
} from "./gardener.ts";

/** Options of {@linkcode adminKubeconfig}. */
export interface AdminKubeconfigOptions extends NamedShootTarget {
  /** How long the kubeconfig stays valid, in seconds: 600 to 86,400 (default 3,600). */
  expirationSeconds?: number;
}

/** The shortest a kubeconfig may live, in seconds (10 minutes). */
export const MIN_EXPIRATION = 600;
/** The longest a kubeconfig may live, in seconds (24 hours). */
export const MAX_EXPIRATION = 86_400;

/**
 * Gets an admin kubeconfig of a Kubernetes cluster that expires
 * (v2 `POST …/{name}/admin-kubeconfig {expiration_seconds}`, answered with
 * the YAML itself; v1 `POST …/{name}/adminkubeconfig`, answered with a JSON
 * string holding it). It is a credential: keep it out of logs
 * and terminals; no error of this function ever holds it.
 *
 * @param session The account's session.
 * @param options The region, project, cluster name and how long it stays
 * valid (600 to 86,400 seconds, default 3,600); timeout, signal and the `askCode`.
 * @returns The kubeconfig's YAML.
 * @throws {ConfigError} Before any request, when a value is not valid.
 * @throws {NotFoundError} When there is no such cluster.
 * @throws {ResponseFormatError} When the answer is not a JSON string.
 *
 * @example
 * ```ts ignore
 * import { adminKubeconfig, CleuraSession, parseDuration } from "@cloudgate/toolkit";
 *
 * const session = new CleuraSession({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * const yaml = await adminKubeconfig(session, {
 *   region: "sto2", projectId: "4fd4c6a1", name: "prod-cluster", expirationSeconds: parseDuration("2h"),
 * });
 * await Deno.writeTextFile("prod.yaml", yaml, { mode: 0o600 });
 * ```
 */
export async function adminKubeconfig(
  session: CleuraSession,
  options: AdminKubeconfigOptions,
): Promise<string> {
  const { expirationSeconds = 3_600, ...target } = options;
  const shoot = locateShoot(session, target);
  if (
    !Number.isInteger(expirationSeconds) ||
    expirationSeconds < MIN_EXPIRATION || expirationSeconds > MAX_EXPIRATION
  ) {
    throw new ConfigError(
      `The kubeconfig's expiration must be a whole number of seconds from ${MIN_EXPIRATION} to ${MAX_EXPIRATION} (10m to 24h), got ${
        typeof expirationSeconds === "number"
          ? expirationSeconds
          : shown(expirationSeconds)
      }`,
    );
  }
  const step =
    `get an admin kubeconfig for Kubernetes cluster "${shoot.name}" of ${shoot.where}`;
  // v2 answers with the YAML itself (served as text/html by the live API),
  // v1 with a JSON string holding it.
  const { data } = await onShoot(
    shoot,
    "get an admin kubeconfig for",
    () =>
      session.request({
        step,
        v1: {
          path: `${shoot.paths.v1}/adminkubeconfig`,
          method: "POST",
          body: { config: { expirationSeconds } },
          read: kubeconfigOf(
            (body) => body.trim() !== "",
            "a non-empty JSON string",
          ),
        },
        v2: {
          path: `${shoot.paths.v2}/admin-kubeconfig`,
          method: "POST",
          body: { expiration_seconds: expirationSeconds },
          text: true,
          read: kubeconfigOf(
            (body) => KUBECONFIG_YAML.test(body),
            "a kubeconfig in YAML",
          ),
        },
      }, shoot.call),
  );
  return data;
}

/**
 * Reads a kubeconfig answer: a string that `looks` right, else a format
 * error that never echoes it (it may hold a credential).
 */
function kubeconfigOf(
  looks: (body: string) => boolean,
  expected: string,
): CleuraReader<string> {
  return (body, { step, endpoint }) => {
    if (typeof body === "string" && looks(body)) return body;
    throw new ResponseFormatError(
      `Cannot ${step}: the response of ${endpoint} is not a kubeconfig (${expected} was expected)`,
    );
  };
}

/** A top-level key every kubeconfig in YAML has at the start of a line. */
const KUBECONFIG_YAML =
  /^(?:apiVersion|kind|clusters|contexts|users|current-context):/m;

const DURATION = /^(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,9})s)?$/i;

/**
 * Reads a duration: whole seconds (`3600`), or hours, minutes and seconds in
 * that order (`1h`, `30m`, `90s`, `2h30m`).
 *
 * @param text The duration.
 * @returns The number of seconds.
 * @throws {ConfigError} When the text is not such a duration.
 *
 * @example
 * ```ts
 * import { parseDuration } from "@cloudgate/toolkit";
 *
 * console.log(parseDuration("1h"), parseDuration("2h30m"), parseDuration("90")); // 3600 9000 90
 * ```
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  const match = DURATION.exec(trimmed);
  if (trimmed !== "" && match) {
    const [, hours = "0", minutes = "0", seconds = "0"] = match;
    return Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds);
  }
  throw new ConfigError(
    `The duration must be whole seconds (3600) or hours, minutes and seconds such as 1h, 30m, 90s or 2h30m, got ${
      shown(text)
    }`,
  );
}
