/**
 * A login lock shared across processes: one file, locked with
 * `Deno.FsFile.tryLock(true)` and holding its holder's pid as text while it is
 * held. The operating system releases the lock when its holder exits, so a
 * crashed holder leaves no stale lock behind; the file itself stays (empty),
 * as removing it would let two processes lock two different files.
 *
 * @module
 */

import { sleep } from "./_sleep.ts";
import { AuthError } from "./errors.ts";

/**
 * How long {@linkcode acquireLoginLock} waits by default: 10 minutes, the
 * lifetime of a Cleura SMS code (a login cannot take longer).
 *
 * @example
 * ```ts
 * import { LOGIN_LOCK_WAIT_MS } from "@cloudgate/toolkit";
 *
 * console.log(LOGIN_LOCK_WAIT_MS / 60_000); // 10
 * ```
 */
export const LOGIN_LOCK_WAIT_MS = 10 * 60_000;

/** Options of {@linkcode acquireLoginLock}. */
export interface LoginLockOptions {
  /** Stops waiting (with an {@linkcode AuthError}) when aborted. */
  signal?: AbortSignal;
  /** The longest wait, in ms (default {@linkcode LOGIN_LOCK_WAIT_MS}). */
  maxWaitMs?: number;
  /** How often to try again while another process holds it (default 150 ms). */
  pollMs?: number;
  /**
   * Called once when the lock is held by someone else, with the holder's pid
   * (`undefined` when it has not written one yet).
   */
  onWaiting?: (pid: number | undefined) => void;
  /** What the lock guards, for messages (default `"the login"`). */
  what?: string;
}

/** A held login lock: {@linkcode LoginLock.release} (or `using`) lets it go. */
export interface LoginLock extends Disposable {
  /** The lock file. */
  readonly path: string;
  /** Empties the file (the pid goes), unlocks and closes it; once. */
  release(): void;
}

/** How many polls to wait for a holder's pid before saying "unknown". */
const PID_POLLS = 5;

/** The pid written in the lock file, read through `file`. */
async function holderPid(file: Deno.FsFile): Promise<number | undefined> {
  try {
    await file.seek(0, Deno.SeekMode.Start);
    const buffer = new Uint8Array(32);
    const n = await file.read(buffer);
    const text = new TextDecoder().decode(buffer.subarray(0, n ?? 0)).trim();
    return /^\d{1,10}$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** "process 1234", or "another process" when the pid is unknown. */
function holder(pid: number | undefined): string {
  return pid === undefined ? "another process" : `process ${pid}`;
}

/**
 * Takes the lock file `path` (created, mode 0600, when missing): at once when
 * it is free, else after polling until its holder lets go or exits. Once held,
 * the file holds this process's pid.
 *
 * @param path The lock file; its folder must exist.
 * @param options The signal, the longest wait, and a callback for the wait.
 * @returns The held lock.
 * @throws {AuthError} When the signal aborts the wait, or the wait lasts
 * longer than `maxWaitMs`, naming the holder.
 * @throws {Deno.errors.InvalidData} When `path` is not a regular file; any
 * other error of the file system as it is.
 *
 * @example
 * ```ts
 * import { acquireLoginLock } from "@cloudgate/toolkit";
 *
 * const dir = await Deno.makeTempDir();
 * const lock = await acquireLoginLock(`${dir}/login.lock`);
 * console.log(await Deno.readTextFile(lock.path) === `${Deno.pid}\n`); // true
 * lock.release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function acquireLoginLock(
  path: string,
  options: LoginLockOptions = {},
): Promise<LoginLock> {
  const { signal, onWaiting, what = "the login" } = options;
  const maxWaitMs = options.maxWaitMs ?? LOGIN_LOCK_WAIT_MS;
  const pollMs = options.pollMs ?? 150;
  const file = await Deno.open(path, {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  try {
    if (!(await file.stat()).isFile) {
      throw new Deno.errors.InvalidData("it is not a regular file");
    }
    const started = Date.now();
    let polls = 0;
    let pid: number | undefined;
    let reported = false;
    while (!(await file.tryLock(true))) {
      pid = await holderPid(file) ?? pid;
      if (!reported && (pid !== undefined || ++polls >= PID_POLLS)) {
        reported = true;
        onWaiting?.(pid);
      }
      if (signal?.aborted) {
        throw new AuthError(
          `Stopped waiting for ${what} of ${holder(pid)} to finish: cancelled`,
          { cause: signal.reason },
        );
      }
      if (Date.now() - started >= maxWaitMs) {
        throw new AuthError(
          `Cannot wait longer for ${what} of ${
            holder(pid)
          } to finish: it has taken ${
            Math.round(maxWaitMs / 1000)
          } s (lock file "${path}")`,
        );
      }
      await sleep(pollMs, signal).catch(() => {});
    }
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  } catch (error) {
    file.close();
    throw error;
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    try {
      file.truncateSync(0);
      file.unlockSync();
    } catch {
      // Closing the file below lets go of the lock all the same.
    } finally {
      file.close();
    }
  };
  return { path, release, [Symbol.dispose]: release };
}
