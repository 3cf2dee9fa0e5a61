/**
 * The flags several Cleura commands share, apart from the code that acts on
 * them, so that declaring the commands loads no Cleura library code.
 *
 * @module
 */

import type { OptionsSpec } from "./args.ts";

/** `--profile NAME`, on every Cleura command. */
export const PROFILE_OPTION = {
  profile: {
    type: "string",
    value: "NAME",
    help:
      "Use this profile of Cleura's own CLI config (default CLEURA_PROFILE, then its current profile)",
  },
} as const satisfies OptionsSpec;

/** `--region`, `--project-id` and `--profile`: where the clusters are. */
export const TARGET_OPTIONS = {
  region: {
    type: "string",
    value: "REGION",
    help: "The region, e.g. sto2 (default CLEURA_REGION, then the profile's)",
  },
  "project-id": {
    type: "string",
    value: "ID",
    help:
      "The project (default CLEURA_PROJECT_ID, then the profile's; see: cloudgate cleura projects)",
  },
  ...PROFILE_OPTION,
} as const satisfies OptionsSpec;
