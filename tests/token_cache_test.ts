import assert from "node:assert/strict";
import { ConfigError, TokenCache } from "../mod.ts";

const key = { apiUrl: "https://rest.cleura.cloud", login: "alice" };

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(`${dir}/cloudgate`);
  } finally {
    await Deno.remove(dir, { recursive: true });
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
