// The emulator's accounts as tests use them: credentials for the library and
// environments for the CLI and the MCP server.

import { type Emulator, EMULATOR_FIXTURES } from "../../lib/testing/mod.ts";

/** The itopia API key of organization 42 (every deployment). */
export const ITOPIA_KEY: string = EMULATOR_FIXTURES.itopiaApiKeys[0]!.key;

/** An emulator account's login, password and API URL, for `startLogin` and friends. */
export function creds(
  emu: Emulator,
  login: string,
): { apiUrl: string; login: string; password: string } {
  return { apiUrl: emu.cleuraUrl, login, password: `${login}-password` };
}

/** The Cleura variables of an emulator account, and any more given. */
export function cleuraEnv(
  emu: Emulator,
  login: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    CLEURA_API_URL: emu.cleuraUrl,
    CLEURA_API_USERNAME: login,
    CLEURA_API_PASSWORD: `${login}-password`,
    ...extra,
  };
}

/** The itopia variables of organization 42 and deployment 102, by API key. */
export function itopiaEnv(emu: Emulator): Record<string, string> {
  const env: Record<string, string> = { ITOPIA_API_URL: emu.itopiaUrl };
  env.ITOPIA_API_KEY = ITOPIA_KEY;
  env.ITOPIA_ORGANIZATION_ID = "42";
  env.ITOPIA_DEPLOYMENT_ID = "102";
  return env;
}
