/**
 * A token cache shared across processes: one small JSON file per API URL and
 * login in the cache folder (`$XDG_CACHE_HOME/cloudgate`, else
 * `%LOCALAPPDATA%\cloudgate` on Windows, else `~/.cache/cloudgate`; mode 0700),
 * written atomically with mode 0600. It holds tokens only, never a password.
 * Without any of those variables, it warns once and caches nothing.
 *
 * Nothing there is trusted blindly: a folder or file that is a symbolic link,
 * not a folder or regular file, over 64 KiB, writable by its group or everyone,
 * or another user's is refused with one warning and left alone; a corrupt or
 * mismatched file is ignored. On Windows only the first three checks apply.
 *
 * @module
 */

import { CloudgateError, ConfigError } from "./errors.ts";
import {
  cacheDirFrom,
  defaultCacheDir,
  noCacheDir,
  readDirEnv,
} from "./dirs.ts";
import type { EnvSource } from "./env.ts";
import {
  type CheckedDir,
  distrust,
  entryName,
  entryOf,
  fsReason,
  ownUid,
  POSIX,
  readChecked,
  sameEntry,
} from "./cache_checks.ts";
import {
  acquireLoginLock,
  type LoginLock,
  type LoginLockOptions,
} from "./login_lock.ts";
import { writePrivateFile } from "./private_file.ts";

/** Where and whether to cache tokens. */
export interface TokenCacheOptions {
  /** The folder; by default {@linkcode defaultCacheDir}'s. */
  dir?: string;
  /** `false` turns the cache off: nothing is read or written. */
  enabled?: boolean;
  /**
   * Called when a cache file is unreadable and gets ignored, when the
   * folder or a file is refused (once per path: a symbolic link, not a folder
   * or regular file, too large, writable by others, or another user's), or
   * once when there is no default folder at all.
   */
  onWarning?: (message: string) => void;
  /**
   * The variables that locate the default folder (`XDG_CACHE_HOME`,
   * `LOCALAPPDATA`, `HOME`), when they are not to be read from the process:
   * a program given its environment (a test, an embedder) never touches the
   * real home.
   */
  env?: EnvSource;
}

/** One cached token. */
export interface CachedToken {
  /** The API the token is for. */
  apiUrl: string;
  /** The login the token is for. */
  login: string;
  /** The token. */
  token: string;
  /** When the token was saved (ISO 8601). */
  savedAt: string;
  /** When the token expires (ISO 8601), where that is known. */
  expiresAt?: string;
  /** The Cleura API generation that gave the token, where that is known. */
  generation?: "v1" | "v2";
}

/**
 * A file-backed token cache.
 *
 * @example
 * ```ts
 * import { TokenCache } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * const cache = new TokenCache({ dir });
 * await cache.set({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "t0k3n" });
 * const entry = await cache.get({ apiUrl: "https://rest.cleura.cloud", login: "alice" });
 * console.log(entry?.login); // alice
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class TokenCache {
  #dir: string | undefined;
  /** Set once there turned out to be no default folder (warned about once). */
  #noDir = false;
  #enabled: boolean;
  #onWarning: ((message: string) => void) | undefined;
  #env: EnvSource | undefined;
  /** The folder and files refused so far, each warned about once. */
  #refused = new Set<string>();

  /**
   * Creates a cache; nothing is read or written until it is used.
   *
   * @param options The folder, whether it is on, and a warning callback.
   */
  constructor(options: TokenCacheOptions = {}) {
    this.#dir = options.dir;
    this.#enabled = options.enabled ?? true;
    this.#onWarning = options.onWarning;
    this.#env = options.env;
  }

  /** Whether the cache reads and writes anything. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /**
   * The cache folder.
   *
   * @throws {ConfigError} When no folder was given and there is no default
   * one (see {@linkcode defaultCacheDir}).
   */
  get dir(): string {
    return this.#dir ??= defaultCacheDir(this.#env ?? readDirEnv());
  }

  /**
   * Whether there is a folder to use: `false` (with one warning, the first
   * time) when none was given and the environment names none, and the cache
   * then reads and writes nothing.
   */
  #hasDir(): boolean {
    if (this.#dir !== undefined) return true;
    if (this.#noDir) return false;
    const dir = cacheDirFrom(this.#env ?? readDirEnv());
    if (dir !== undefined) {
      this.#dir = dir;
      return true;
    }
    this.#noDir = true;
    this.#onWarning?.(`${noCacheDir()}, so tokens are not cached`);
    return false;
  }

  async #path(key: { apiUrl: string; login: string }): Promise<string> {
    return `${this.dir}/${await entryName(key.apiUrl, key.login)}.json`;
  }

  /** Stops using `path` from now on, with one warning saying why. */
  #refuse(kind: "folder" | "file", path: string, reason: string): void {
    if (this.#refused.has(path)) return;
    this.#refused.add(path);
    this.#onWarning?.(`Ignoring the token cache ${kind} "${path}": ${reason}`);
  }

  /**
   * Checks the folder with `lstat` (and makes it, mode 0700, when `create`).
   * Returns `undefined` when it is missing or refused; throws what the file
   * system throws.
   */
  async #checkDir(create: boolean): Promise<CheckedDir | undefined> {
    const dir = this.dir;
    if (this.#refused.has(dir)) return undefined;
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(dir);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      if (!create) return undefined;
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      info = await Deno.lstat(dir);
    }
    let reason = distrust(info, "folder");
    let uid: number | undefined;
    if (reason === undefined && POSIX) {
      try {
        uid = await ownUid(dir);
      } catch (error) {
        if (!(error instanceof Deno.errors.PermissionDenied)) throw error;
        reason = "it is not writable by you, so its owner cannot be checked";
      }
      reason ??= distrust(info, "folder", uid);
    }
    if (reason !== undefined) {
      this.#refuse("folder", dir, reason);
      return undefined;
    }
    return { info, uid };
  }

  /**
   * Checks a cache file with `lstat`: `"missing"`, `"refused"` (warned), or
   * what `lstat` saw.
   */
  async #checkFile(
    path: string,
    dir: CheckedDir,
  ): Promise<Deno.FileInfo | "missing" | "refused"> {
    if (this.#refused.has(path)) return "refused";
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return "missing";
      throw error;
    }
    const reason = distrust(info, "file", dir.uid);
    if (reason === undefined) return info;
    this.#refuse("file", path, reason);
    return "refused";
  }

  /**
   * Reads the token for an API URL and login. A refused folder or file (see
   * the module's notes) is warned about once and read as no entry.
   *
   * @param key The API URL and login.
   * @returns The entry, or `undefined` when there is none, it is corrupt, it
   * belongs to another API or login, it has expired, or it is refused.
   */
  async get(
    key: { apiUrl: string; login: string },
  ): Promise<CachedToken | undefined> {
    if (!this.#enabled || !this.#hasDir()) return undefined;
    const path = await this.#path(key);
    let text: string;
    try {
      const dir = await this.#checkDir(false);
      if (dir === undefined) return undefined;
      const info = await this.#checkFile(path, dir);
      if (typeof info === "string") return undefined;
      const read = await readChecked(path, info);
      if ("refused" in read) {
        this.#refuse("file", path, read.refused);
        return undefined;
      }
      text = read.text;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      this.#onWarning?.(
        `Ignoring the token cache file "${path}": ${fsReason(error, this.dir)}`,
      );
      return undefined;
    }
    const entry = entryOf(text, key);
    if (entry === "corrupt") {
      this.#onWarning?.(
        `Ignoring the token cache file "${path}": it is corrupt`,
      );
      return undefined;
    }
    return entry;
  }

  /**
   * Saves a token atomically (a temporary file, then a rename), mode 0600. A
   * refused folder or file (see the module's notes) is warned about once and
   * left as it is: nothing is saved, and nothing throws.
   *
   * @param entry The API URL, login, token and optional expiry.
   * @returns Nothing.
   * @throws {ConfigError} When the folder cannot be written.
   */
  async set(
    entry: Omit<CachedToken, "savedAt">,
  ): Promise<void> {
    if (!this.#enabled || !this.#hasDir()) return;
    try {
      await this.#write(entry);
    } catch (error) {
      throw new ConfigError(
        `Cannot save the token cache in "${this.dir}": ${
          fsReason(error, this.dir)
        }`,
        { cause: error },
      );
    }
  }

  async #write(
    entry: Omit<CachedToken, "savedAt">,
  ): Promise<void> {
    const dir = await this.#checkDir(true);
    if (dir === undefined) return;
    const path = await this.#path(entry);
    if (await this.#checkFile(path, dir) === "refused") return;
    const { apiUrl, login, token, expiresAt, generation } = entry;
    const data: CachedToken = {
      apiUrl,
      login,
      token,
      savedAt: new Date().toISOString(),
    };
    if (expiresAt) data.expiresAt = expiresAt;
    if (generation) data.generation = generation;
    // In the checked folder, which must still be that folder at the rename.
    await writePrivateFile(path, JSON.stringify(data), {
      beforeRename: async () => {
        const again = await Deno.lstat(this.dir);
        const reason = sameEntry(again, dir.info)
          ? distrust(again, "folder", dir.uid)
          : "it was replaced while the token was saved";
        if (reason !== undefined) this.#refuse("folder", this.dir, reason);
        return reason === undefined;
      },
    });
  }

  /**
   * Removes the token for an API URL and login, if there is one. A refused
   * folder or file (see the module's notes) is warned about once and left as
   * it is.
   *
   * @param key The API URL and login.
   * @returns Nothing.
   * @throws {ConfigError} When the file exists but cannot be removed.
   */
  async delete(key: { apiUrl: string; login: string }): Promise<void> {
    if (!this.#enabled || !this.#hasDir()) return;
    try {
      const dir = await this.#checkDir(false);
      if (dir === undefined) return;
      const path = await this.#path(key);
      if (typeof await this.#checkFile(path, dir) === "string") return;
      await Deno.remove(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw new ConfigError(
        `Cannot remove a token from the cache in "${this.dir}": ${
          fsReason(error, this.dir)
        }`,
        { cause: error },
      );
    }
  }

  /**
   * Takes the login lock of an API URL and login: the file
   * `login-<hash>.lock` beside its token file ({@linkcode acquireLoginLock}),
   * waiting while another process holds it. A refused folder or lock file, or
   * one that cannot be opened, is warned about once and means no lock.
   *
   * @param key The API URL and login.
   * @param options The signal, the longest wait, and a callback for the wait.
   * @returns The held lock, or `undefined` when the cache is off or has no
   * usable folder.
   * @throws {AuthError} When the wait is aborted or lasts too long.
   *
   * @example
   * ```ts
   * import { TokenCache } from "@cloudgate/toolkit";
   *
   * const dir = await Deno.makeTempDir();
   * const cache = new TokenCache({ dir });
   * const lock = await cache.lock({ apiUrl: "https://rest.cleura.cloud", login: "alice" });
   * lock?.release();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async lock(
    key: { apiUrl: string; login: string },
    options: LoginLockOptions = {},
  ): Promise<LoginLock | undefined> {
    if (!this.#enabled || !this.#hasDir()) return undefined;
    const name = await entryName(key.apiUrl, key.login);
    const path = `${this.dir}/login-${name}.lock`;
    try {
      const dir = await this.#checkDir(true);
      if (dir === undefined) return undefined;
      if (await this.#checkFile(path, dir) === "refused") return undefined;
      return await acquireLoginLock(path, options);
    } catch (error) {
      if (error instanceof CloudgateError) throw error;
      this.#refuse("file", path, fsReason(error, this.dir));
      return undefined;
    }
  }
}
