// The emulator as every test starts it, in the Cleura mode the suite runs in:
// CLOUDGATE_TEST_CLEURA=both (default), v2 or v1 serves those generations,
// so the whole suite runs against a v2-only, a v1-only and a two-generation
// API (`deno task test:modes`). A test that passes `cleuraGenerations` keeps
// its own.
import {
  type EmulatorOptions,
  startEmulator as start,
} from "../../lib/testing/mod.ts";
import { v2Shoot } from "../../lib/testing/gardener_v2.ts";
import type { CleuraShoot } from "../../lib/cleura/shoot.ts";
import { v2ShootSchema } from "../../lib/cleura/shoot_v2.ts";

export * from "../../lib/testing/mod.ts";

const MODE = Deno.env.get("CLOUDGATE_TEST_CLEURA") ?? "both";
if (!["both", "v1", "v2"].includes(MODE)) {
  throw new Error(
    `CLOUDGATE_TEST_CLEURA must be both, v1 or v2, got "${MODE}"`,
  );
}

/** The generations the suite's emulators serve. */
export const GENERATIONS: readonly ("v1" | "v2")[] = MODE === "both"
  ? ["v1", "v2"]
  : [MODE as "v1" | "v2"];

/** The generation `auto` speaks in this mode: v2 unless only v1 is served. */
export const SPOKEN: "v1" | "v2" = MODE === "v1" ? "v1" : "v2";

/** Picks the value of the generation this mode speaks. */
export function bySpoken<T>(values: { v1: T; v2: T }): T {
  return values[SPOKEN];
}

/** Starts the emulator, serving the mode's generations unless told others. */
export function startEmulator(
  options: EmulatorOptions = {},
): ReturnType<typeof start> {
  return start({ cleuraGenerations: GENERATIONS, ...options });
}

/**
 * An emulator cluster as the library reads it in this mode: as the emulator
 * keeps it on v1, and v2's body read into the same model on v2.
 */
export function readShoot(
  emu: { shoot(name: string): CleuraShoot | undefined },
  name: string,
): CleuraShoot | undefined {
  const shoot = emu.shoot(name);
  if (!shoot || SPOKEN === "v1") return shoot;
  return v2ShootSchema().parse(v2Shoot(shoot));
}
