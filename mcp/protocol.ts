/**
 * What the server says about itself, kept in a module with no dependencies.
 *
 * @module
 */

import { VERSION } from "../lib/version.ts";

/** The server's name and version. */
export const SERVER_INFO = { name: "cloudgate", version: VERSION } as const;

/** The server's instructions to the model. */
export const INSTRUCTIONS =
  "cloudgate reaches the Cleura Cloud REST API and the itopia CAS API with credentials from the server's environment; no tool takes a password, API key or token. " +
  "Cleura tools share one login; if the account uses SMS two-factor, the user is asked for the code once.";
