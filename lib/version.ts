/**
 * cloudgate's version, the one place it is written in code (a test keeps it
 * equal to `deno.json`'s).
 *
 * @module
 */

/**
 * The version of this cloudgate.
 *
 * @example
 * ```ts
 * import { VERSION } from "@cloudgate/toolkit";
 *
 * console.log(/^\d+\.\d+\.\d+/.test(VERSION)); // true
 * ```
 */
export const VERSION = "0.1.0";
