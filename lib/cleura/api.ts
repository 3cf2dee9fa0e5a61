/**
 * Cleura API calls: domains, regions (flattened, one row per region) and
 * projects (of one domain, or of all of them with their domain and regions).
 * Each takes a {@linkcode CleuraSession}, which logs in when it must.
 *
 * @module
 */

export * from "./domains.ts";
export * from "./projects.ts";
