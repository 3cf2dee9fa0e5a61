/**
 * Where the token cache lives: `$XDG_CACHE_HOME/cloudgate`, else on Windows
 * `%LOCALAPPDATA%\cloudgate`, else `$HOME/.cache/cloudgate`.
 *
 * @module
 */

import { optionalEnv } from "./env.ts";
import { ConfigError } from "./errors.ts";

/**
 * Finds the cache folder the environment names, or `undefined` when it names
 * none: `$XDG_CACHE_HOME/cloudgate`; else, on Windows,
 * `%LOCALAPPDATA%\cloudgate` (where `HOME` is set only by Unix-like shells
 * such as Git Bash, so a PowerShell and a Git Bash run share one cache); else
 * `$HOME/.cache/cloudgate`.
 *
 * @param env Reads a variable (`undefined` when it is unset or unreadable).
 * @param os The operating system, as `Deno.build.os` names it.
 * @returns The folder's path, or `undefined`.
 */
export function cacheDirFrom(
  env: (name: string) => string | undefined,
  os: typeof Deno.build.os,
): string | undefined {
  const windows = os === "windows";
  const sep = windows ? "\\" : "/";
  const under = (base: string, ...names: string[]) =>
    [base.replace(windows ? /[\\/]+$/ : /\/+$/, ""), ...names].join(sep);
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return under(xdg, "cloudgate");
  const local = windows ? env("LOCALAPPDATA") : undefined;
  if (local) return under(local, "cloudgate");
  const home = env("HOME");
  if (home) return under(home, ".cache", "cloudgate");
  return undefined;
}

/** Why there is no default cache folder, on this system. */
export function noCacheDir(): string {
  const names = Deno.build.os === "windows"
    ? "XDG_CACHE_HOME, LOCALAPPDATA and HOME are"
    : "XDG_CACHE_HOME and HOME are both";
  return `No folder for the token cache: ${names} unset or not readable`;
}

/**
 * Finds the default cache folder: `$XDG_CACHE_HOME/cloudgate`, else on
 * Windows `%LOCALAPPDATA%\cloudgate`, else `$HOME/.cache/cloudgate`.
 *
 * @returns The folder's path.
 * @throws {ConfigError} When none of those variables is set or readable.
 *
 * @example
 * ```ts ignore
 * import { defaultCacheDir } from "@cloudgate/toolkit";
 *
 * console.log(defaultCacheDir()); // /home/alice/.cache/cloudgate
 * ```
 */
export function defaultCacheDir(): string {
  const dir = cacheDirFrom(optionalEnv, Deno.build.os);
  if (dir !== undefined) return dir;
  throw new ConfigError(
    `${noCacheDir()}; set one of them, or turn the cache off`,
  );
}
