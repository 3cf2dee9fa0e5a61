/**
 * The groups of tools `--toolsets` chooses from, and the selection rule the
 * server and the tests share.
 *
 * @module
 */

import type { ToolAnnotations } from "@modelcontextprotocol/server";

/** The groups of tools `--toolsets` chooses from. */
export const TOOLSETS = ["cleura", "itopia", "gardener"] as const;

/** Which group of tools a tool belongs to. */
export type Toolset = typeof TOOLSETS[number];

/**
 * What each toolset is for, in one line (shown in the server's `--help`).
 *
 * @example
 * ```ts
 * import { TOOLSET_DESCRIPTIONS } from "./toolsets.ts";
 * console.log(TOOLSET_DESCRIPTIONS.gardener);
 * ```
 */
export const TOOLSET_DESCRIPTIONS: Readonly<Record<Toolset, string>> = {
  cleura: "Cleura Cloud account: domains, regions, projects, token checks",
  itopia: "itopia: minted JWTs and cloud instances",
  gardener: "Kubernetes clusters (Gardener shoots) on Cleura",
};

/** Which tools a server lists. */
export interface ToolSelection {
  /** The toolsets (default all). */
  toolsets?: readonly Toolset[];
  /** Whether tools that change something are listed (default `false`). */
  allowWrite?: boolean;
}

/** What the selection looks at in a tool. */
export interface Selectable {
  /** The group `--toolsets` selects it by. */
  toolset: Toolset;
  /** Its hints; none means read-only (the shared default). */
  annotations?: ToolAnnotations | undefined;
}

/**
 * Whether a tool changes something, so that it is listed only with
 * `--writes`: exactly when its annotations say it is not read-only and
 * do not say it is harmless (`destructiveHint: false`, as for a tool that
 * hands out a credential but changes nothing). The one place this is
 * decided: the selection, the README's table and the tests read it.
 *
 * @param tool The tool, or anything with its annotations.
 * @returns `true` for a tool that needs `--writes`.
 *
 * @example
 * ```ts
 * import { changesSomething } from "./toolsets.ts";
 * changesSomething({ annotations: { readOnlyHint: false } }); // true
 * changesSomething({ annotations: { readOnlyHint: false, destructiveHint: false } }); // false
 * changesSomething({}); // false: read-only
 * ```
 */
export function changesSomething(
  tool: Pick<Selectable, "annotations">,
): boolean {
  return tool.annotations?.readOnlyHint === false &&
    tool.annotations.destructiveHint !== false;
}

/**
 * The tools of the chosen toolsets; those that change something only with
 * `allowWrite`. The order is kept.
 *
 * @param tools Every tool.
 * @param selection The toolsets and the write switch.
 * @returns The tools to list.
 */
export function selectTools<T extends Selectable>(
  tools: readonly T[],
  selection: ToolSelection = {},
): T[] {
  const sets = new Set<string>(selection.toolsets ?? TOOLSETS);
  return tools.filter((tool) =>
    sets.has(tool.toolset) &&
    (selection.allowWrite === true || !changesSomething(tool))
  );
}

/**
 * Parses `--toolsets a,b`.
 *
 * @param raw The flag's value, or `undefined` when it was not given.
 * @returns The toolsets, or `undefined` for all.
 * @throws {RangeError} Naming the bad value.
 */
export function parseToolsets(raw: string | undefined): Toolset[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const unknown = names.find((n) =>
    !(TOOLSETS as readonly string[]).includes(n)
  );
  if (names.length === 0 || unknown !== undefined) {
    throw new RangeError(
      `--toolsets takes a comma-separated list of ${
        TOOLSETS.join(", ")
      }, got "${(unknown ?? raw).slice(0, 40)}"`,
    );
  }
  return names as Toolset[];
}
