// The login lock: one holder at a time across processes, a wait that says for
// whom and can be cancelled, and one login (one SMS) for the machine when CLI
// processes and the MCP server share the token cache.

import assert from "node:assert/strict";
import { acquireLoginLock, AuthError } from "../mod.ts";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import { cleuraEnv } from "./_helpers/accounts.ts";
import { cliArgs, spawnPiped } from "./_helpers/cli.ts";
import {
  call,
  childEnv,
  smsAnswer,
  stdioClient,
  test,
} from "./_helpers/mcp.ts";
import { tempDir } from "./_helpers/temp.ts";

Deno.test("acquireLoginLock: one holder at a time; the waiter learns the pid, takes it on release", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/login.lock`;
  const first = await acquireLoginLock(path);
  assert.equal(await Deno.readTextFile(path), `${Deno.pid}\n`);
  const waited: (number | undefined)[] = [];
  let second = false;
  const next = acquireLoginLock(path, {
    pollMs: 20,
    onWaiting: (pid) => waited.push(pid),
  }).then((lock) => (second = true, lock));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(second, false, "the second waits while the first holds it");
  assert.deepEqual(waited, [Deno.pid]);
  first.release();
  first.release();
  const lock = await next;
  assert.equal(await Deno.readTextFile(path), `${Deno.pid}\n`);
  lock.release();
  assert.equal(await Deno.readTextFile(path), "", "the pid goes on release");
});

Deno.test("acquireLoginLock: an aborted wait is a one-line error naming the holder, and holds nothing", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/login.lock`;
  using _held = await acquireLoginLock(path);
  const abort = new AbortController();
  const waiting = acquireLoginLock(path, {
    pollMs: 20,
    signal: abort.signal,
    what: "the Cleura login",
  });
  setTimeout(() => abort.abort(), 60);
  await assert.rejects(waiting, (error: Error) => {
    assert.ok(error instanceof AuthError);
    assert.equal(
      error.message,
      `Stopped waiting for the Cleura login of process ${Deno.pid} to finish: cancelled`,
    );
    return true;
  });
  await assert.rejects(
    acquireLoginLock(path, { pollMs: 20, maxWaitMs: 50 }),
    /Cannot wait longer for the login of process \d+ to finish/,
  );
});

Deno.test("acquireLoginLock: a holder that is killed leaves no stale lock", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/login.lock`;
  const module = new URL("../lib/login_lock.ts", import.meta.url).href;
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { acquireLoginLock } from "${module}";
await acquireLoginLock(${JSON.stringify(path)});
console.log("held");
await new Promise(() => setInterval(() => {}, 1000));`,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = holder.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  assert.match((await reader.read()).value ?? "", /held/);
  const waited: (number | undefined)[] = [];
  await assert.rejects(
    acquireLoginLock(path, {
      pollMs: 20,
      maxWaitMs: 100,
      onWaiting: (p) => waited.push(p),
    }),
  );
  assert.deepEqual(waited, [holder.pid]);
  holder.kill("SIGKILL");
  await holder.status;
  await reader.cancel();
  const started = Date.now();
  const lock = await acquireLoginLock(path, { pollMs: 20, maxWaitMs: 2000 });
  assert.ok(Date.now() - started < 500, "taken at once");
  lock.release();
});

/** The SMS code the emulator sent bob, once one was sent. */
async function smsCode(emu: Emulator): Promise<string> {
  for (let i = 0; i < 1000 && emu.counters.smsSent < 1; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return String(emu.lastSmsCode("bob")).padStart(6, "0");
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cleura regions` as bob in `cacheHome`; the code goes to its stdin
 * only when it says it reads one, and after `before` resolves.
 */
function regions(
  emu: Emulator,
  cacheHome: string,
  before: () => Promise<void> = () => Promise.resolve(),
  seen: (line: string) => void = () => {},
): Promise<CliRun> {
  const child = spawnPiped(
    Deno.execPath(),
    cliArgs(cacheHome, ["cleura", "regions"]),
    childEnv({ ...cleuraEnv(emu, "bob"), XDG_CACHE_HOME: cacheHome }),
  );
  const writer = child.stdin.getWriter();
  const stdout = new Response(child.stdout).text();
  const stderr = (async () => {
    let text = "";
    for await (
      const chunk of child.stderr.pipeThrough(new TextDecoderStream())
    ) {
      text += chunk;
      for (const line of chunk.split("\n")) seen(line);
      if (/reading it from stdin/.test(chunk)) {
        await before();
        await writer.write(new TextEncoder().encode(`${await smsCode(emu)}\n`));
        await writer.close().catch(() => {});
      }
    }
    return text;
  })();
  return (async () => {
    const { code } = await child.status;
    await writer.close().catch(() => {});
    return { code, stdout: await stdout, stderr: await stderr };
  })();
}

Deno.test("two CLI processes at once log in once: one SMS, the other waits and uses the cached token", async () => {
  await using emu = await startEmulator();
  await using cache = await tempDir();
  const waiting = Promise.withResolvers<void>();
  const seen = (line: string) => {
    if (/^note: waiting for the Cleura login of process \d+/.test(line)) {
      waiting.resolve();
    }
  };
  // The login's code is given only once the other process says it waits.
  const before = () => waiting.promise;
  const runs = await Promise.all([
    regions(emu, cache.path, before, seen),
    regions(emu, cache.path, before, seen),
  ]);
  for (const run of runs) {
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Sto2 /m);
  }
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  const waiter = runs.filter((r) =>
    /note: waiting for the Cleura login of process \d+ to finish/.test(r.stderr)
  );
  assert.equal(waiter.length, 1, runs.map((r) => r.stderr).join("\n---\n"));
  assert.doesNotMatch(waiter[0]!.stderr, /SMS code was sent/);
});

test("a CLI login serves the MCP server: no further login", async () => {
  await using emu = await startEmulator();
  await using cache = await tempDir();
  const cli = await regions(emu, cache.path);
  assert.equal(cli.code, 0, cli.stderr);
  const posts = emu.counters.cleuraPasswordPosts;
  await using t = await stdioClient(cleuraEnv(emu, "bob"), undefined, {
    cacheHome: cache.path,
  });
  const result = await call(t.client, "cleura_list_regions");
  assert.equal(result.isError, false, result.text);
  assert.equal(emu.counters.cleuraPasswordPosts, posts);
  assert.equal(emu.counters.cleuraLogins, 1);
  assert.equal(emu.counters.smsSent, 1);
});

test("an MCP login serves the CLI: no further login", async () => {
  await using emu = await startEmulator();
  await using cache = await tempDir();
  {
    await using t = await stdioClient(cleuraEnv(emu, "bob"), smsAnswer(emu), {
      cacheHome: cache.path,
    });
    const result = await call(t.client, "cleura_list_regions");
    assert.equal(result.isError, false, result.text);
  }
  assert.equal(emu.counters.cleuraLogins, 1);
  const cli = await regions(emu, cache.path);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^Sto2 /m);
  assert.equal(emu.counters.cleuraPasswordPosts, 1);
  assert.equal(emu.counters.cleuraLogins, 1);
  assert.equal(emu.counters.smsSent, 1);
});

test("the MCP server sees a token the CLI cached after it started", async () => {
  await using emu = await startEmulator();
  await using cache = await tempDir();
  const env = cleuraEnv(emu, "bob", { CLEURA_API_PASSWORD: "" });
  await using t = await stdioClient(env, undefined, { cacheHome: cache.path });
  const before = await call(t.client, "cleura_list_regions");
  assert.equal(before.isError, true, "no token yet, and no password");
  assert.match(before.text, /no valid token for "bob"/);
  const cli = await regions(emu, cache.path);
  assert.equal(cli.code, 0, cli.stderr);
  const logins = emu.counters.cleuraLogins;
  const after = await call(t.client, "cleura_list_regions");
  assert.equal(after.isError, false, after.text);
  assert.equal(emu.counters.cleuraLogins, logins);
});
