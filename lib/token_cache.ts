/**
 * A token cache shared across processes: one small JSON file per API URL and
 * login under `$XDG_CACHE_HOME/cloudgate` (else `~/.cache/cloudgate`), written
 * atomically with mode 0600. It holds tokens only, never a password. A corrupt
 * or mismatched file is ignored.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";
import { isRecord } from "./http.ts";

/** Where and whether to cache tokens. */
export interface TokenCacheOptions {
  /** The folder; by default `$XDG_CACHE_HOME/cloudgate` or `~/.cache/cloudgate`. */
  dir?: string;
  /** `false` turns the cache off: nothing is read or written. */
  enabled?: boolean;
  /** Called when a cache file is unreadable and gets ignored. */
  onWarning?: (message: string) => void;
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
}

/**
 * Finds the default cache folder: `$XDG_CACHE_HOME/cloudgate`, else
 * `$HOME/.cache/cloudgate`.
 *
 * @returns The folder's path.
 * @throws {ConfigError} When neither variable is set or readable.
 *
 * @example
 * ```ts ignore
 * import { defaultCacheDir } from "@cloudgate/toolkit";
 *
 * console.log(defaultCacheDir()); // /home/alice/.cache/cloudgate
 * ```
 */
export function defaultCacheDir(): string {
  const xdg = envOrUndefined("XDG_CACHE_HOME");
  if (xdg) return `${xdg.replace(/\/+$/, "")}/cloudgate`;
  const home = envOrUndefined("HOME");
  if (home) return `${home.replace(/\/+$/, "")}/.cache/cloudgate`;
  throw new ConfigError(
    "Cannot find a folder for the token cache: set XDG_CACHE_HOME or HOME, or turn the cache off",
  );
}

function envOrUndefined(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** Why a cache file cannot be used, in words that say what to do. */
function fsReason(error: unknown, dir: string): string {
  if (
    error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied
  ) {
    return `not permitted (run with --allow-read=${dir} --allow-write=${dir}, or --no-cache)`;
  }
  return error instanceof Error ? error.name : "unreadable";
}

async function fileName(apiUrl: string, login: string): Promise<string> {
  const data = new TextEncoder().encode(`${apiUrl}\n${login}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return `${
    Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0"))
      .join("")
  }.json`;
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
  #enabled: boolean;
  #onWarning: ((message: string) => void) | undefined;

  /**
   * Creates a cache; nothing is read or written until it is used.
   *
   * @param options The folder, whether it is on, and a warning callback.
   */
  constructor(options: TokenCacheOptions = {}) {
    this.#dir = options.dir;
    this.#enabled = options.enabled ?? true;
    this.#onWarning = options.onWarning;
  }

  /** Whether the cache reads and writes anything. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** The cache folder. */
  get dir(): string {
    this.#dir ??= defaultCacheDir();
    return this.#dir;
  }

  async #path(key: { apiUrl: string; login: string }): Promise<string> {
    return `${this.dir}/${await fileName(key.apiUrl, key.login)}`;
  }

  /**
   * Reads the token for an API URL and login.
   *
   * @param key The API URL and login.
   * @returns The entry, or `undefined` when there is none, it is corrupt, it
   * belongs to another API or login, or it has expired.
   */
  async get(
    key: { apiUrl: string; login: string },
  ): Promise<CachedToken | undefined> {
    if (!this.#enabled) return undefined;
    const path = await this.#path(key);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      this.#onWarning?.(
        `Ignoring the token cache file "${path}": ${fsReason(error, this.dir)}`,
      );
      return undefined;
    }
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      entry = undefined;
    }
    if (
      !isRecord(entry) || typeof entry.token !== "string" ||
      entry.token === "" || typeof entry.savedAt !== "string"
    ) {
      this.#onWarning?.(
        `Ignoring the token cache file "${path}": it is corrupt`,
      );
      return undefined;
    }
    if (entry.apiUrl !== key.apiUrl || entry.login !== key.login) {
      return undefined;
    }
    const expiresAt = typeof entry.expiresAt === "string"
      ? entry.expiresAt
      : undefined;
    if (expiresAt && Date.parse(expiresAt) <= Date.now()) return undefined;
    return {
      apiUrl: key.apiUrl,
      login: key.login,
      token: entry.token,
      savedAt: entry.savedAt,
      ...(expiresAt ? { expiresAt } : {}),
    };
  }

  /**
   * Saves a token atomically (a temporary file, then a rename), mode 0600.
   *
   * @param entry The API URL, login, token and optional expiry.
   * @returns Nothing.
   * @throws {ConfigError} When the folder cannot be written.
   */
  async set(
    entry: { apiUrl: string; login: string; token: string; expiresAt?: string },
  ): Promise<void> {
    if (!this.#enabled) return;
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
    entry: { apiUrl: string; login: string; token: string; expiresAt?: string },
  ): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = await this.#path(entry);
    const data: CachedToken = {
      apiUrl: entry.apiUrl,
      login: entry.login,
      token: entry.token,
      savedAt: new Date().toISOString(),
      ...(entry.expiresAt ? { expiresAt: entry.expiresAt } : {}),
    };
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeTextFile(temp, JSON.stringify(data), {
        mode: 0o600,
        createNew: true,
      });
      await Deno.chmod(temp, 0o600);
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
  }

  /**
   * Removes the token for an API URL and login, if there is one.
   *
   * @param key The API URL and login.
   * @returns Nothing.
   * @throws {ConfigError} When the file exists but cannot be removed.
   */
  async delete(key: { apiUrl: string; login: string }): Promise<void> {
    if (!this.#enabled) return;
    try {
      await Deno.remove(await this.#path(key));
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
}
