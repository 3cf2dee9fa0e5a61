// A Cleura CLI config that another user could have written is not used: its
// profile's api_url would receive the password of the environment. The file
// and its folder must be the user's and writable by no one else, as the token
// cache requires; else one warning names the file and why, and nothing reaches
// the API the file names.

import assert from "node:assert/strict";
import { ConfigError } from "../lib/errors.ts";
import { readCleuraProfiles } from "../lib/cleura/profile.ts";
import { loadCleuraProfile } from "../lib/cleura/resolve.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { rejection } from "./_helpers/assert.ts";
import { runMain } from "./_helpers/cli.ts";
import { CAN_CHOWN, OTHER_UID } from "./_helpers/other_uid.ts";
import { tempDir } from "./_helpers/temp.ts";

const POSIX = Deno.build.os !== "windows";

/** A profile that sends alice's password to `apiUrl`. */
const config = (apiUrl: string) =>
  `version: 1\ncurrent_profile: work\nprofiles:\n  work:\n    api_url: ${apiUrl}\n    username: alice\n`;

/** The ways a config file can be planted, each with the reason it is refused. */
const PLANTS: {
  name: string;
  plant: (dir: string, path: string) => Promise<void>;
  reason: RegExp;
  chown?: boolean;
}[] = [
  {
    name: "a group-writable file",
    plant: (_, path) => Deno.chmod(path, 0o620),
    reason: /: it is writable by other users \(mode 0620\)$/,
  },
  {
    name: "a file every user may write",
    plant: (_, path) => Deno.chmod(path, 0o666),
    reason: /: it is writable by other users \(mode 0666\)$/,
  },
  {
    name: "a group-writable folder",
    plant: (dir) => Deno.chmod(dir, 0o770),
    reason: /: its folder .+ is writable by other users \(mode 0770\)$/,
  },
  {
    name: "a file of another user",
    plant: (_, path) => Deno.chown(path, OTHER_UID!, OTHER_UID!),
    reason: /: it belongs to another user \(uid \d+, not \d+\)$/,
    chown: true,
  },
  {
    name: "a folder of another user",
    plant: (dir) => Deno.chown(dir, OTHER_UID!, OTHER_UID!),
    reason: /: its folder .+ belongs to another user \(uid \d+, not \d+\)$/,
    chown: true,
  },
  {
    name: "a link to a file in a folder others may write",
    plant: async (dir, path) => {
      await Deno.mkdir(`${dir}/shared`, { mode: 0o700 });
      await Deno.chmod(`${dir}/shared`, 0o777);
      await Deno.rename(path, `${dir}/shared/config.yaml`);
      await Deno.symlink(`${dir}/shared/config.yaml`, path);
    },
    reason: /: its folder .+\/shared is writable by other users \(mode 0777\)$/,
  },
];

for (const { name, plant, reason, chown } of PLANTS) {
  const ignored = !POSIX || (chown === true && !CAN_CHOWN);
  Deno.test({
    name: `${name} is not used: one warning, and no request reaches its API${
      ignored ? " (ignored: needs POSIX, or root to give files away)" : ""
    }`,
    ignore: ignored,
    fn: async () => {
      await using emu = await startEmulator();
      await using dir = await tempDir();
      const folder = `${dir.path}/cleura`;
      await Deno.mkdir(folder, { mode: 0o700 });
      const path = `${folder}/config.yaml`;
      await Deno.writeTextFile(path, config(emu.cleuraUrl), { mode: 0o600 });
      await plant(folder, path);

      // The library refuses the file in one line naming it.
      const error = await rejection(
        readCleuraProfiles(path),
        ConfigError,
        reason,
      );
      assert.ok(error.message.includes(path), error.message);
      assert.ok(!error.message.includes("\n"));

      // Without a profile asked for, the environment alone is used.
      const warnings: string[] = [];
      const env = {
        CLEURA_CONFIG: path,
        CLEURA_API_PASSWORD: "alice-password",
      };
      const loaded = await loadCleuraProfile(env, {
        onWarning: (message) => warnings.push(message),
      });
      assert.equal(loaded, undefined);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, reason);
      assert.match(warnings[0]!, /^Ignoring the Cleura CLI config /);

      // A profile asked for by name is then not available: an error.
      await rejection(
        loadCleuraProfile(env, { profile: "work" }),
        ConfigError,
        /^Cleura CLI profile "work" is not available: .+config\.yaml: /,
      );

      // The CLI warns once and sends the password nowhere near the file's
      // API (here it fails on the default API, which the test may not reach).
      const run = await runMain(["cleura", "regions"], env, {
        cacheDir: `${dir.path}/cache`,
      });
      assert.notEqual(run.code, 0);
      const lines = run.stderr.split("\n").filter((l) =>
        l.startsWith("warning:")
      );
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, reason);
      assert.ok(!run.stderr.includes("alice-password"));
      assert.equal(emu.counters.requests, 0);
    },
  });
}

Deno.test({
  name: "a config file of the user's own, in a folder of the user's, is used",
  ignore: !POSIX,
  fn: async () => {
    await using emu = await startEmulator();
    await using dir = await tempDir();
    const path = `${dir.path}/config.yaml`;
    await Deno.writeTextFile(path, config(emu.cleuraUrl), { mode: 0o644 });
    const run = await runMain(["cleura", "regions", "-o", "json"], {
      CLEURA_CONFIG: path,
      CLEURA_API_PASSWORD: "alice-password",
    }, { cacheDir: `${dir.path}/cache` });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes("warning:"), run.stderr);
    assert.equal(emu.counters.cleuraPasswordPosts, 1);
  },
});
