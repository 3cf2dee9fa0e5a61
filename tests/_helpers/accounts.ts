// The emulator's accounts as tests use them: credentials for the library and
// environments for the CLI and the MCP server.

import { type Emulator, EMULATOR_FIXTURES } from "./emulator.ts";
import { ItopiaAuth } from "../../mod.ts";

/** The itopia API key of organization 42 (every deployment). */
export const ITOPIA_KEY: string = EMULATOR_FIXTURES.itopiaApiKeys[0]!.key;

/** An emulator account's login, password and API URL, for `startLogin` and friends. */
export function creds(
  emu: Emulator,
  login: string,
): { apiUrl: string; login: string; password: string } {
  return { apiUrl: emu.cleuraUrl, login, password: `${login}-password` };
}

/** The emulator's itopia administrator (organization 42), for `loginItopia` and friends. */
export function itopiaAdmin(
  emu: Emulator,
  password = "admin-password",
): { apiUrl: string; username: string; password: string } {
  return { apiUrl: emu.itopiaUrl, username: "admin@example.com", password };
}

/**
 * Organization 42's itopia access by API key: the key of every deployment
 * unless another is given, and no deployment in the token unless one is.
 */
export function itopiaKeyAuth(
  emu: Emulator,
  options: { apiKey?: string; deploymentId?: number } = {},
): ItopiaAuth {
  return new ItopiaAuth({
    apiUrl: emu.itopiaUrl,
    apiKey: ITOPIA_KEY,
    organizationId: 42,
    ...options,
  });
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

/** The itopia variables of organization 42, by API key, with no deployment. */
export function itopiaOrgEnv(emu: Emulator): Record<string, string> {
  return {
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_API_KEY: ITOPIA_KEY,
    ITOPIA_ORGANIZATION_ID: "42",
  };
}

/** The itopia variables of organization 42 and deployment 102, by API key. */
export function itopiaEnv(emu: Emulator): Record<string, string> {
  return { ...itopiaOrgEnv(emu), ITOPIA_DEPLOYMENT_ID: "102" };
}

/**
 * The environment most CLI and MCP tests run with: an emulator account's
 * Cleura variables, organization 42's itopia ones (no deployment), and any
 * more given.
 */
export function accountEnv(
  emu: Emulator,
  login: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...cleuraEnv(emu, login), ...itopiaOrgEnv(emu), ...extra };
}
