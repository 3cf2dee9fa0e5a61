/**
 * What the cluster tools of `gardener.ts` do, loaded on the first call of
 * one: list and show; hibernate and wake, each confirmed by the user first.
 *
 * @module
 */

import {
  checkShootNames,
  getShoot,
  hibernateShoot,
  listShoots,
  type ShootNames,
  type ShootTarget,
  shootVersion,
  summarizeShoot,
  wakeShoot,
} from "../../lib/cleura/gardener.ts";
import { withCleura } from "../cleura_login.ts";
import { confirmed, confirmedKey, refuseWithoutForm } from "../confirm.ts";
import type { ToolCall } from "../tool.ts";

/** Where a call points: its region and project, each optional. */
interface Where {
  region?: string | undefined;
  projectId?: string | undefined;
}

/** The project and region of a call: its arguments, else the server's defaults. */
function targetOf(
  call: ToolCall,
  args: Where,
): Pick<ShootTarget, "region" | "projectId"> {
  return call.ctx.cleuraTarget(args);
}

/** `cleura_list_shoots`. */
export function shoots(args: Where, call: ToolCall) {
  const target = targetOf(call, args);
  return withCleura(call, async (session, options) => ({
    ...target,
    shoots: (await listShoots(session, { ...options, ...target })).map(
      summarizeShoot,
    ),
  }));
}

/** `cleura_get_shoot`. */
export function shoot(
  { name, ...args }: Where & { name: string },
  call: ToolCall,
) {
  const target = targetOf(call, args);
  return withCleura(call, async (session, options) => {
    const shoot = await getShoot(session, { ...options, ...target, name });
    return { summary: summarizeShoot(shoot), shoot };
  });
}

/** Hibernate or wake, confirmed by the user first. */
function changeShoot(action: "hibernate" | "wake") {
  const run = action === "hibernate" ? hibernateShoot : wakeShoot;
  const verb = action === "hibernate" ? "Hibernate" : "Wake up";
  const done = action === "hibernate" ? "hibernated" : "woken up";
  return async (args: Where & { name: string }, call: ToolCall) => {
    // Checked before the user is asked anything about the cluster.
    const { name, ...target } = checkShootNames({
      ...targetOf(call, args),
      name: args.name,
    }) as Required<ShootNames>;
    const where = `${target.region}/${target.projectId}/${name}`;
    const change = {
      question:
        `${verb} Kubernetes cluster "${name}" in project "${target.projectId}", region ${target.region}?`,
      title: `${verb} ${name}`,
      instead: `the user can run: cloudgate cleura shoot ${action} ${name}`,
      unchanged: `cluster "${name}" was not ${done}`,
    };
    refuseWithoutForm(call, change);
    return await withCleura(call, async (session, options) => {
      const shoot = await getShoot(session, { ...options, ...target, name });
      // Bound to the cluster as it is now: a confirmation given before it
      // changed (replayed on another instance, say) asks again.
      const ok = await confirmed(call, {
        ...change,
        key: `${action} ${where} ${shootVersion(shoot)}`,
      });
      if (ok !== true) return ok;
      await run(session, { ...options, ...target, name });
      return { name, ...target, accepted: true };
    }, confirmedKey(call));
  };
}

/** `cleura_hibernate_shoot`. */
export const hibernate = changeShoot("hibernate");

/** `cleura_wake_shoot`. */
export const wake = changeShoot("wake");
