/**
 * The file an HTTP server leaves for its clients: `{ url, token, pid }` in
 * `mcp-http-PORT.json`, readable by its owner only, removed when the server
 * stops (also on SIGHUP, a closed terminal). A file left by a server that
 * died (nothing listens at its URL any more) is removed by the next server to
 * start, so a client is not sent to whoever binds that port next.
 *
 * @module
 */

import { writePrivateFile } from "../lib/private_file.ts";

/** What a server writes for its clients. */
export interface TokenFileContent {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8787/mcp`. */
  url: string;
  /** The bearer token. */
  token: string;
  /** The server's process id: a client should check that it still runs. */
  pid: number;
}

const NAME = /^mcp-http-\d+\.json$/;

/**
 * Whether a server still listens at a file's loopback URL: `false` only when
 * the connection is refused (a process id cannot be checked under Deno's
 * permissions); `undefined` when it cannot be known.
 */
async function listening(url: unknown): Promise<boolean | undefined> {
  let target: URL;
  try {
    target = new URL(String(url));
  } catch {
    return undefined;
  }
  if (target.hostname !== "127.0.0.1" || target.port === "") return undefined;
  try {
    const connection = await Deno.connect({
      hostname: target.hostname,
      port: Number(target.port),
    });
    connection.close();
    return true;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused ? false : undefined;
  }
}

/**
 * Removes the token files of `dir` whose server no longer listens; leaves
 * the rest (a listening port may be the server's own, or not: a client
 * should check the file's pid).
 *
 * @param dir A folder of token files.
 * @returns The names removed.
 */
export async function removeStaleTokenFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.isFile || !NAME.test(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    let url: unknown;
    try {
      url = (JSON.parse(await Deno.readTextFile(path)) as { url?: unknown })
        .url;
    } catch {
      continue;
    }
    if (await listening(url) !== false) continue;
    try {
      await Deno.remove(path);
      removed.push(entry.name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/**
 * Writes `{ url, token, pid }` for clients to read, in the first of `dirs`
 * that takes it (made 0700 if missing), after removing the stale files
 * there.
 *
 * @param dirs The folders to try, most private first.
 * @param url The server's origin, e.g. `http://127.0.0.1:8787`.
 * @param token The bearer token.
 * @returns The file's path, or `undefined` when no folder could take it.
 *
 * @example
 * ```ts ignore
 * const path = await writeTokenFile([`${Deno.env.get("HOME")}/.config/cloudgate`], "http://127.0.0.1:8787", "t");
 * ```
 */
export async function writeTokenFile(
  dirs: readonly string[],
  url: string,
  token: string,
): Promise<string | undefined> {
  const port = new URL(url).port;
  const content: TokenFileContent = { url: `${url}/mcp`, token, pid: Deno.pid };
  for (const dir of dirs) {
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      await removeStaleTokenFiles(dir);
      const path = `${dir}/mcp-http-${port}.json`;
      await writePrivateFile(path, `${JSON.stringify(content)}\n`);
      return path;
    } catch {
      // Not permitted or not possible here: try the next folder.
    }
  }
  return undefined;
}

/**
 * Resolves when the process is asked to stop: SIGINT, SIGTERM, or SIGHUP
 * (the terminal closed); Windows knows only SIGINT and SIGBREAK.
 *
 * @returns Once a stop signal arrived.
 */
export function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const signals: Deno.Signal[] = Deno.build.os === "windows"
      ? ["SIGINT", "SIGBREAK"]
      : ["SIGINT", "SIGTERM", "SIGHUP"];
    for (const signal of signals) Deno.addSignalListener(signal, resolve);
  });
}
