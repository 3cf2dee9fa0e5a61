// writePrivateFile(): the one way cloudgate writes a credential to disk.

import assert from "node:assert/strict";
import { splitPath, writePrivateFile } from "../lib/private_file.ts";
import { tempDir } from "./_helpers/temp.ts";

const POSIX = Deno.build.os !== "windows";

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).sort();
}

Deno.test("writePrivateFile() writes mode 0600, replaces an old file, and leaves nothing else", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/token.json`;
  await Deno.writeTextFile(path, "old", { mode: 0o644 });
  assert.equal(await writePrivateFile(path, "new\n"), true);
  assert.equal(await Deno.readTextFile(path), "new\n");
  if (POSIX) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.deepEqual(await names(dir.path), ["token.json"]);
});

Deno.test("writePrivateFile() abandoned before the rename, or failing there, leaves the old file and no new one", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/token.json`;
  await Deno.writeTextFile(path, "old");
  let owner: number | undefined | "unset" = "unset";
  const kept = await writePrivateFile(path, "new", {
    beforeRename: (uid) => {
      owner = uid;
      return false;
    },
  });
  assert.equal(kept, false);
  assert.equal(owner, (await Deno.stat(path)).uid ?? undefined);
  await assert.rejects(
    writePrivateFile(path, "new", {
      beforeRename: () => {
        throw new Error("changed under us");
      },
    }),
    /changed under us/,
  );
  assert.equal(await Deno.readTextFile(path), "old");
  assert.deepEqual(await names(dir.path), ["token.json"]);
});

Deno.test({
  name: "writePrivateFile() replaces a link itself, never writing through it",
  ignore: !POSIX,
  fn: async () => {
    await using dir = await tempDir();
    const target = `${dir.path}/elsewhere.txt`;
    await Deno.writeTextFile(target, "precious");
    await Deno.symlink(target, `${dir.path}/token.json`);
    await writePrivateFile(`${dir.path}/token.json`, "new");
    assert.equal(await Deno.readTextFile(target), "precious");
    assert.ok(!(await Deno.lstat(`${dir.path}/token.json`)).isSymlink);
  },
});

Deno.test("writePrivateFile() into a missing folder throws NotFound and makes nothing", async () => {
  await using dir = await tempDir();
  await assert.rejects(
    writePrivateFile(`${dir.path}/missing/token.json`, "x"),
    Deno.errors.NotFound,
  );
  assert.deepEqual(await names(dir.path), []);
});

Deno.test("splitPath() gives the folder and the name", () => {
  assert.deepEqual(splitPath("/a/b/c.yaml"), {
    folder: "/a/b",
    base: "c.yaml",
  });
  assert.deepEqual(splitPath("/c.yaml"), { folder: "/", base: "c.yaml" });
  assert.deepEqual(splitPath("c.yaml"), { folder: ".", base: "c.yaml" });
});
