import assert from "node:assert/strict";
import { CAN_CHOWN, OTHER_UID } from "./_helpers/other_uid.ts";
import { creds } from "./_helpers/accounts.ts";
import { cliArgs } from "./_helpers/cli.ts";
import { childEnv } from "./_helpers/mcp.ts";
import { CleuraSession, ConfigError, listRegions, TokenCache } from "../mod.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { cacheDirFrom, defaultCacheDir } from "../lib/dirs.ts";

const key = { apiUrl: "https://rest.cleura.cloud", login: "alice" };

/** Runs `fn` with a cache folder (not yet made) inside a fresh temp folder. */
async function withDir(
  fn: (dir: string, root: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    await fn(`${root}/cloudgate`, root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function files(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names;
}

Deno.test("TokenCache saves and reads a token, mode 0600, with no password", () =>
  withDir(async (dir) => {
    const cache = new TokenCache({ dir });
    await cache.set({ ...key, token: "tok" });
    const entry = await cache.get(key);
    assert.equal(entry?.token, "tok");
    const [name] = await files(dir);
    const info = await Deno.stat(`${dir}/${name}`);
    assert.equal(info.mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    const text = await Deno.readTextFile(`${dir}/${name}`);
    assert.deepEqual(Object.keys(JSON.parse(text)).sort(), [
      "apiUrl",
      "login",
      "savedAt",
      "token",
    ]);
  }));

Deno.test("TokenCache never gives one API's or login's token to another", () =>
  withDir(async (dir) => {
    const cache = new TokenCache({ dir });
    await cache.set({ ...key, token: "tok" });
    assert.equal(await cache.get({ ...key, login: "bob" }), undefined);
    assert.equal(
      await cache.get({
        ...key,
        apiUrl: "https://rest.compliant.cleura.cloud",
      }),
      undefined,
    );
  }));

Deno.test("TokenCache ignores a corrupt file with a warning, and replaces it", () =>
  withDir(async (dir) => {
    const warnings: string[] = [];
    const cache = new TokenCache({ dir, onWarning: (m) => warnings.push(m) });
    await cache.set({ ...key, token: "tok" });
    const [name] = await files(dir);
    await Deno.writeTextFile(`${dir}/${name}`, "{not json");
    assert.equal(await cache.get(key), undefined);
    assert.match(warnings[0] ?? "", /it is corrupt/);
    await cache.set({ ...key, token: "fresh" });
    assert.equal((await cache.get(key))?.token, "fresh");
  }));

Deno.test("TokenCache drops an entry past its expiry", () =>
  withDir(async (dir) => {
    const cache = new TokenCache({ dir });
    await cache.set({
      ...key,
      token: "old",
      expiresAt: new Date(Date.now() - 1).toISOString(),
    });
    assert.equal(await cache.get(key), undefined);
  }));

Deno.test("TokenCache leaves a valid file when many writers race", () =>
  withDir(async (dir) => {
    const cache = new TokenCache({ dir });
    await Promise.all(
      Array.from(
        { length: 25 },
        (_, i) => cache.set({ ...key, token: `t${i}` }),
      ),
    );
    const entry = await cache.get(key);
    assert.match(entry?.token ?? "", /^t\d+$/);
    assert.equal((await files(dir)).length, 1, "no temporary file is left");
  }));

Deno.test("TokenCache turned off reads and writes nothing", () =>
  withDir(async (dir) => {
    const cache = new TokenCache({ dir, enabled: false });
    await cache.set({ ...key, token: "tok" });
    assert.equal(await cache.get(key), undefined);
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  }));

Deno.test("TokenCache.delete() removes the entry and ignores a missing one", () =>
  withDir(async (dir) => {
    const cache = new TokenCache({ dir });
    await cache.set({ ...key, token: "tok" });
    await cache.delete(key);
    await cache.delete(key);
    assert.equal(await cache.get(key), undefined);
  }));

Deno.test("TokenCache leaves a valid file when two processes write at once", () =>
  withDir(async (dir) => {
    const module = new URL("../lib/token_cache.ts", import.meta.url).href;
    const writer = (name: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `import { TokenCache } from "${module}";
const cache = new TokenCache({ dir: ${JSON.stringify(dir)} });
for (let i = 0; i < 100; i++) {
  await cache.set({ apiUrl: "https://rest.cleura.cloud", login: "alice", token: "${name}-" + i });
}`,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
    const results = await Promise.all([writer("a"), writer("b")]);
    for (const result of results) {
      assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    }
    const entry = await new TokenCache({ dir }).get(key);
    assert.match(entry?.token ?? "", /^[ab]-\d+$/);
    assert.equal((await files(dir)).length, 1, "no temporary file is left");
  }));

Deno.test({
  name: "TokenCache without file permissions warns and fails in one line each",
  permissions: {
    read: ["/tmp/cloudgate-allowed"],
    write: ["/tmp/cloudgate-allowed"],
    env: true,
  },
  async fn() {
    const warnings: string[] = [];
    const dir = "/tmp/cloudgate-not-allowed";
    const cache = new TokenCache({ dir, onWarning: (m) => warnings.push(m) });
    assert.equal(await cache.get(key), undefined);
    assert.match(
      warnings[0] ?? "",
      /: not permitted \(run with --allow-read=\/tmp\/cloudgate-not-allowed /,
    );
    await assert.rejects(
      cache.set({ ...key, token: "tok" }),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          'Cannot save the token cache in "/tmp/cloudgate-not-allowed": not permitted (run with --allow-read=/tmp/cloudgate-not-allowed --allow-write=/tmp/cloudgate-not-allowed, or --no-cache)',
        );
        return true;
      },
    );
  },
});

// The cases below plant what an attacker (or an accident) could leave where the
// cache looks: each must be refused with one warning naming the path and the
// reason, the caller goes on as if there were no cache, and nothing is written
// into the refused place.

const POSIX = Deno.build.os !== "windows";

/** A test that runs on POSIX systems only, with a cache folder as `withDir` gives. */
function posixTest(
  name: string,
  fn: (dir: string, root: string) => Promise<void>,
): void {
  Deno.test({ name, ignore: !POSIX, fn: () => withDir(fn) });
}

/** Makes the cache folder `dir` (mode 0700) and gives the path of `key`'s entry in it. */
async function entryPath(dir: string): Promise<string> {
  await Deno.mkdir(dir, { mode: 0o700 });
  return `${dir}/${await entryName()}`;
}

/** Makes `${root}/attacker` and links the cache folder `dir` to it. */
async function linkedToAttacker(dir: string, root: string): Promise<string> {
  const attacker = `${root}/attacker`;
  await Deno.mkdir(attacker, { mode: 0o700 });
  await Deno.symlink(attacker, dir);
  return attacker;
}

/** The name the cache gives an entry, learnt from a real cache. */
async function entryName(
  of: { apiUrl: string; login: string } = key,
): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    await new TokenCache({ dir }).set({ ...of, token: "probe" });
    const [name] = await files(dir);
    return name!;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A valid entry for `key` holding `token`, as a planted file would. */
function planted(token: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    ...key,
    token,
    savedAt: new Date().toISOString(),
    ...extra,
  });
}

/** A cache that records its warnings. */
function watched(dir: string): { cache: TokenCache; warnings: string[] } {
  const warnings: string[] = [];
  return {
    cache: new TokenCache({ dir, onWarning: (m) => warnings.push(m) }),
    warnings,
  };
}

/**
 * Uses the cache as a command would (read, save, read, delete) and checks it
 * went on without the cache: nothing read, nothing thrown, one warning that
 * names `path` and matches `reason`.
 */
async function assertRefused(
  cache: TokenCache,
  warnings: string[],
  path: string,
  reason: RegExp,
): Promise<void> {
  assert.equal(await cache.get(key), undefined, "a refused entry is not read");
  await cache.set({ ...key, token: "victim-token" });
  assert.equal(await cache.get(key), undefined, "nor read after a save");
  await cache.delete(key);
  assert.equal(warnings.length, 1, `one warning: ${JSON.stringify(warnings)}`);
  assert.ok(warnings[0]!.includes(`"${path}"`), warnings[0]);
  assert.match(warnings[0]!, reason);
}

/** The names and contents of the files in `dir`, to show nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await files(dir)).sort()) {
    out[name] = await Deno.readTextFile(`${dir}/${name}`);
  }
  return out;
}

posixTest(
  "TokenCache refuses a cache folder that is a symlink, and writes nothing",
  async (dir, root) => {
    const attacker = `${root}/attacker`;
    await Deno.mkdir(attacker, { mode: 0o700 });
    await Deno.writeTextFile(
      `${attacker}/${await entryName()}`,
      planted("attacker-token"),
      { mode: 0o600 },
    );
    const before = await snapshot(attacker);
    await Deno.symlink(attacker, dir);
    const { cache, warnings } = watched(dir);
    await assertRefused(cache, warnings, dir, /symbolic link/);
    assert.deepEqual(await snapshot(attacker), before);
  },
);

posixTest(
  "TokenCache refuses a cache file that is a symlink: no read through it, no write to its target",
  async (dir, root) => {
    await new TokenCache({ dir }).set({ ...key, token: "old" });
    const [name] = await files(dir);
    const path = `${dir}/${name}`;
    const target = `${root}/elsewhere.json`;
    const content = planted("attacker-token");
    await Deno.writeTextFile(target, content, { mode: 0o600 });
    await Deno.remove(path);
    await Deno.symlink(target, path);
    const { cache, warnings } = watched(dir);
    await assertRefused(cache, warnings, path, /symbolic link/);
    assert.equal(await Deno.readTextFile(target), content);
    assert.ok((await Deno.lstat(path)).isSymlink, "the link is left alone");
  },
);

posixTest(
  "TokenCache refuses a cache file that is a symlink to /dev/zero",
  async (dir) => {
    const path = await entryPath(dir);
    await Deno.symlink("/dev/zero", path);
    const { cache, warnings } = watched(dir);
    await assertRefused(cache, warnings, path, /symbolic link/);
  },
);

posixTest(
  "TokenCache refuses a cache file that is a FIFO without blocking on it",
  async (dir) => {
    const path = await entryPath(dir);
    const made = await new Deno.Command("mkfifo", {
      args: ["-m", "600", path],
    }).output();
    assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
    const { cache, warnings } = watched(dir);
    const read = cache.get(key);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const blocked = await Promise.race([
      read.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), 2000);
      }),
    ]);
    clearTimeout(timer);
    if (blocked) {
      // Unblock the reader (so the test ends), then fail.
      (await Deno.open(path, { write: true })).close();
      await read.catch(() => {});
    }
    assert.equal(blocked, false, "reading the cache blocked on a FIFO");
    await assertRefused(cache, warnings, path, /not a regular file/);
    assert.ok((await Deno.lstat(path)).isFifo, "the FIFO is left alone");
  },
);

Deno.test("TokenCache refuses a cache file larger than 64 KiB, and reads one of 64 KiB", () =>
  withDir(async (dir) => {
    const path = await entryPath(dir);
    const fill = (size: number) => {
      const base = planted("big-token", { pad: "" });
      return planted("big-token", { pad: "x".repeat(size - base.length) });
    };
    await Deno.writeTextFile(path, fill(64 * 1024), { mode: 0o600 });
    assert.equal((await new TokenCache({ dir }).get(key))?.token, "big-token");
    const content = fill(64 * 1024 + 1);
    await Deno.writeTextFile(path, content);
    const { cache, warnings } = watched(dir);
    await assertRefused(cache, warnings, path, /larger than 64 KiB/);
    assert.equal(await Deno.readTextFile(path), content);
  }));

// The folder, then a file in it, open to the world (0777, 0666), then to the
// group (0770, 0620).
for (
  const [target, world, group] of [
    ["folder", 0o777, 0o770],
    ["file", 0o666, 0o620],
  ] as const
) {
  posixTest(
    `TokenCache refuses a group- or world-writable cache ${target}`,
    async (dir) => {
      await new TokenCache({ dir }).set({ ...key, token: "planted" });
      const path = target === "folder"
        ? dir
        : `${dir}/${(await files(dir))[0]}`;
      await Deno.chmod(path, world);
      const before = await snapshot(dir);
      const { cache, warnings } = watched(dir);
      await assertRefused(cache, warnings, path, /writable by other users/);
      assert.deepEqual(await snapshot(dir), before);
      await Deno.chmod(path, group);
      const grouped = watched(dir);
      await assertRefused(grouped.cache, grouped.warnings, path, /writable by/);
    },
  );
}

Deno.test({
  name: CAN_CHOWN
    ? "TokenCache refuses a cache folder or file of another user"
    : "TokenCache refuses a cache folder or file of another user (ignored: giving a file to another uid needs root)",
  ignore: !CAN_CHOWN,
  fn: () =>
    withDir(async (dir, root) => {
      await new TokenCache({ dir }).set({ ...key, token: "planted" });
      const [name] = await files(dir);
      const path = `${dir}/${name}`;
      await Deno.chown(path, OTHER_UID!, OTHER_UID!);
      const file = watched(dir);
      await assertRefused(file.cache, file.warnings, path, /another user/);
      const theirs = `${root}/theirs`;
      await new TokenCache({ dir: theirs }).set({ ...key, token: "planted" });
      await Deno.chown(theirs, OTHER_UID!, OTHER_UID!);
      const before = await snapshot(theirs);
      const folder = watched(theirs);
      await assertRefused(
        folder.cache,
        folder.warnings,
        theirs,
        /another user/,
      );
      assert.deepEqual(await snapshot(theirs), before);
    }),
});

posixTest(
  "CleuraSession with a refused cache logs in as without one, with one warning",
  async (dir, root) => {
    await using emu = await startEmulator();
    const attacker = await linkedToAttacker(dir, root);
    const warnings: string[] = [];
    const cache = new TokenCache({
      dir,
      onWarning: (m) => warnings.push(m),
    });
    const options = {
      ...creds(emu, "alice"),
      cache,
      onEvent: (event: { type: string; message?: string }) => {
        if (event.type === "warning") warnings.push(event.message!);
      },
    };
    assert.equal((await listRegions(new CleuraSession(options))).length, 3);
    assert.equal((await listRegions(new CleuraSession(options))).length, 3);
    assert.equal(emu.counters.cleuraLogins, 2, "no token was cached");
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]!, /symbolic link/);
    assert.deepEqual(await files(attacker), []);
  },
);

/** The parent's environment without cloudgate's variables, keeping its Deno cache. */
function cliEnv(cacheHome: string, cleuraUrl: string): Record<string, string> {
  return childEnv({
    XDG_CACHE_HOME: cacheHome,
    CLEURA_API_URL: cleuraUrl,
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_PASSWORD: "alice-password",
    NO_COLOR: "1",
  });
}

/** Runs the CLI as `deno task cli` would: the cache folder's permissions only. */
async function cli(cacheHome: string, cleuraUrl: string, args: string[]) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: cliArgs(cacheHome, args),
    env: cliEnv(cacheHome, cleuraUrl),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

posixTest(
  "cli with a refused cache folder works without it, one warning a run",
  async (dir, root) => {
    await using emu = await startEmulator();
    const attacker = await linkedToAttacker(dir, root);
    for (let i = 0; i < 2; i++) {
      const run = await cli(root, emu.cleuraUrl, ["cleura", "regions"]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(
        run.stderr.trim().split("\n"),
        [
          `warning: Ignoring the token cache folder "${dir}": it is a symbolic link`,
        ],
      );
    }
    assert.equal(emu.counters.cleuraLogins, 2);
    assert.deepEqual(await files(attacker), []);
  },
);

Deno.test({
  name: CAN_CHOWN
    ? "cli without --allow-sys still refuses a cache folder of another user"
    : "cli without --allow-sys still refuses a cache folder of another user (ignored: giving a file to another uid needs root)",
  ignore: !CAN_CHOWN,
  fn: () =>
    withDir(async (dir, root) => {
      await using emu = await startEmulator();
      await Deno.mkdir(dir, { mode: 0o755 });
      const path = `${dir}/${await entryName({
        apiUrl: emu.cleuraUrl,
        login: "alice",
      })}`;
      await Deno.writeTextFile(
        path,
        planted("attacker-token", { apiUrl: emu.cleuraUrl }),
        { mode: 0o644 },
      );
      await Deno.chown(path, OTHER_UID!, OTHER_UID!);
      await Deno.chown(dir, OTHER_UID!, OTHER_UID!);
      const before = await snapshot(dir);
      const run = await cli(root, emu.cleuraUrl, ["cleura", "regions"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /^warning: Ignoring the token cache folder ".*": it belongs to another user/,
      );
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.equal(emu.counters.cleuraLogins, 1);
      assert.deepEqual(await snapshot(dir), before);
    }),
});

// Where the cache lives, and a run with nowhere for it.

Deno.test("the cache folder: XDG_CACHE_HOME, then %LOCALAPPDATA% on Windows, then HOME", () => {
  const from = (vars: Record<string, string>, os: typeof Deno.build.os) =>
    cacheDirFrom(vars, os);
  const all = {
    XDG_CACHE_HOME: "/x/cache/",
    LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local",
    HOME: "/home/a",
  };
  assert.equal(from(all, "linux"), "/x/cache/cloudgate");
  assert.equal(
    from({ ...all, XDG_CACHE_HOME: "" }, "linux"),
    "/home/a/.cache/cloudgate",
  );
  assert.equal(from({ LOCALAPPDATA: all.LOCALAPPDATA }, "darwin"), undefined);
  assert.equal(from({}, "linux"), undefined);
  assert.equal(
    from({
      LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local\\",
      HOME: "C:\\Users\\a",
    }, "windows"),
    "C:\\Users\\a\\AppData\\Local\\cloudgate",
  );
  assert.equal(from(all, "windows"), "/x/cache\\cloudgate");
  assert.equal(
    from({ HOME: "C:\\Users\\a" }, "windows"),
    "C:\\Users\\a\\.cache\\cloudgate",
  );
  assert.equal(from({}, "windows"), undefined);
});

Deno.test({
  name:
    "TokenCache with no folder at all warns once and reads and writes nothing",
  permissions: { env: false, read: false, write: false },
  async fn() {
    assert.throws(() => defaultCacheDir(), ConfigError);
    const warnings: string[] = [];
    const cache = new TokenCache({ onWarning: (m) => warnings.push(m) });
    assert.equal(await cache.get(key), undefined);
    await cache.set({ ...key, token: "tok" });
    assert.equal(await cache.get(key), undefined);
    await cache.delete(key);
    assert.deepEqual(warnings, [
      "No folder for the token cache: XDG_CACHE_HOME and HOME are both unset or not readable, so tokens are not cached",
    ]);
  },
});

Deno.test("cli with no folder for the token cache warns once and works", async () => {
  await using emu = await startEmulator();
  const env = cliEnv("unused", emu.cleuraUrl);
  for (const name of ["XDG_CACHE_HOME", "HOME", "LOCALAPPDATA"]) {
    delete env[name];
  }
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: cliArgs("/nonexistent/cloudgate-cache", ["cleura", "regions"]),
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  assert.deepEqual(err.trim().split("\n"), [
    "warning: No folder for the token cache: XDG_CACHE_HOME and HOME are both unset or not readable, so tokens are not cached",
  ]);
  assert.match(new TextDecoder().decode(stdout), /^Sto2 /m);
  assert.equal(emu.counters.cleuraLogins, 1);
});
