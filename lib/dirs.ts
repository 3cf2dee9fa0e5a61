/**
 * The one folder lookup of cloudgate, from a given environment: the token
 * cache, Cleura's CLI config file and the folders of the MCP server's HTTP
 * token file. Only {@linkcode readDirEnv} (and a default argument that calls
 * it) reads the process environment.
 *
 * @module
 */

import { parseVar } from "./config.ts";
import { type EnvSource, optionalEnv } from "./env.ts";
import { ConfigError } from "./errors.ts";

const POSIX = Deno.build.os !== "windows";

/**
 * The variables that name folders: the cache's, the config's and Windows'
 * own. (`XDG_RUNTIME_DIR` is the MCP server's alone; it asks for it itself.)
 *
 * @example
 * ```ts
 * import { DIR_NAMES } from "./dirs.ts";
 *
 * console.log(DIR_NAMES.includes("HOME")); // true
 * ```
 */
export const DIR_NAMES: readonly string[] = [
  "XDG_CACHE_HOME",
  "XDG_CONFIG_HOME",
  "HOME",
  "LOCALAPPDATA",
  "APPDATA",
];

/**
 * Reads the folder variables that are set and readable from the process
 * environment, for an entry point to hand on.
 *
 * @param names The variables (default {@linkcode DIR_NAMES}).
 * @returns The variables, by name.
 *
 * @example
 * ```ts ignore
 * import { readDirEnv } from "./dirs.ts";
 *
 * console.log(readDirEnv().HOME); // /home/alice
 * ```
 */
export function readDirEnv(names: readonly string[] = DIR_NAMES): EnvSource {
  const env: EnvSource = {};
  for (const name of names) {
    const value = optionalEnv(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Finds the cache folder the environment names, or `undefined` when it names
 * none: `$XDG_CACHE_HOME/cloudgate`; else, on Windows,
 * `%LOCALAPPDATA%\cloudgate` (where `HOME` is set only by Unix-like shells
 * such as Git Bash, so a PowerShell and a Git Bash run share one cache); else
 * `$HOME/.cache/cloudgate`.
 *
 * @param env The variables.
 * @param os The operating system, as `Deno.build.os` names it.
 * @returns The folder's path, or `undefined`.
 */
export function cacheDirFrom(
  env: EnvSource,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const windows = os === "windows";
  const sep = windows ? "\\" : "/";
  const under = (base: string, ...names: string[]) =>
    [base.replace(windows ? /[\\/]+$/ : /\/+$/, ""), ...names].join(sep);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg) return under(xdg, "cloudgate");
  const local = windows ? env.LOCALAPPDATA : undefined;
  if (local) return under(local, "cloudgate");
  const home = env.HOME;
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
 * @param env The variables; by default the process's, as {@linkcode readDirEnv}
 * reads them.
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
export function defaultCacheDir(env: EnvSource = readDirEnv()): string {
  const dir = cacheDirFrom(env);
  if (dir !== undefined) return dir;
  throw new ConfigError(
    `${noCacheDir()}; set one of them, or turn the cache off`,
  );
}

function withoutSlash(path: string): string {
  return path.replace(POSIX ? /\/+$/ : /[\\/]+$/, "");
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") ||
    (!POSIX && /^([A-Za-z]:[\\/]|\\\\)/.test(path));
}

/**
 * Finds Cleura's CLI config file: `CLEURA_CONFIG`, else
 * `XDG_CONFIG_HOME/cleura/config.yaml` (an absolute `XDG_CONFIG_HOME` only, as
 * the XDG spec says), else `HOME/.config/cleura/config.yaml`, else
 * `APPDATA\cleura\config.yaml`. The last is an assumption for Windows without
 * `HOME`: Go's `os.UserConfigDir` uses `%APPDATA%` there.
 *
 * @param env The variables; the caller adds `XDG_CONFIG_HOME`, `HOME` and
 * `APPDATA` when it may read them.
 * @returns The path, or `undefined` when none of the variables is set.
 * @throws {ConfigError} When `CLEURA_CONFIG` is not a usable path.
 *
 * @example
 * ```ts
 * import { cleuraConfigPath } from "@cloudgate/toolkit";
 *
 * console.log(cleuraConfigPath({ HOME: "/home/alice" })); // /home/alice/.config/cleura/config.yaml
 * console.log(cleuraConfigPath({ CLEURA_CONFIG: "/etc/cleura.yaml", HOME: "/home/alice" })); // /etc/cleura.yaml
 * ```
 */
export function cleuraConfigPath(env: EnvSource): string | undefined {
  const explicit = parseVar<string>(env, "CLEURA_CONFIG");
  if (explicit !== undefined) return explicit;
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return `${withoutSlash(xdg)}/cleura/config.yaml`;
  const home = env.HOME;
  if (home) return `${withoutSlash(home)}/.config/cleura/config.yaml`;
  const appData = env.APPDATA;
  if (appData) return `${appData.replace(/[\\/]+$/, "")}\\cleura\\config.yaml`;
  return undefined;
}

/**
 * The folders the MCP server's HTTP token file may go in, most private
 * first: `$XDG_RUNTIME_DIR/cloudgate`, then `$XDG_CONFIG_HOME/cloudgate` (else
 * `$HOME/.config/cloudgate`), then `%APPDATA%\cloudgate`.
 *
 * @param env The variables.
 * @returns The folders, possibly none.
 *
 * @example
 * ```ts
 * import { tokenFileDirs } from "./dirs.ts";
 *
 * console.log(tokenFileDirs({ HOME: "/home/alice" })); // ["/home/alice/.config/cloudgate"]
 * ```
 */
export function tokenFileDirs(env: EnvSource): string[] {
  const dirs: string[] = [];
  if (env.XDG_RUNTIME_DIR) dirs.push(`${env.XDG_RUNTIME_DIR}/cloudgate`);
  if (env.XDG_CONFIG_HOME) dirs.push(`${env.XDG_CONFIG_HOME}/cloudgate`);
  else if (env.HOME) dirs.push(`${env.HOME}/.config/cloudgate`);
  if (env.APPDATA) dirs.push(`${env.APPDATA}\\cloudgate`);
  return dirs;
}
