import assert from "node:assert/strict";
import { load } from "js-yaml";
import { ConfigError } from "../lib/errors.ts";
import { cleuraConfigPath, readCleuraProfiles } from "../lib/cleura/profile.ts";
import {
  loadProfileEnv,
  mergeProfileEnv,
  profileEnv,
  selectProfile,
} from "../lib/cleura/profile_env.ts";
import {
  checkProfileToken,
  storeProfileToken,
} from "../lib/cleura/profile_store.ts";
import { CLEURA_COMPLIANT_URL, CLEURA_PUBLIC_URL } from "../lib/config.ts";
import { rejection } from "./_helpers/assert.ts";
import { tempDir } from "./_helpers/temp.ts";

const POSIX = Deno.build.os !== "windows";
const SECRET = "eyJ0b2tlbi1zZWNyZXQtOTk4ODc3NjY1NTQ0";
const OTHER_SECRET = "gAAAAB-other-secret-5544332211";

// What cleura-cli writes: its comment, version, current profile, two
// profiles; plus fields cloudgate does not know, at both levels.
const GO_FILE = `# This file is managed by cleura CLI. Do not edit by hand.
# Run "cleura login" to update it.
version: 1
current_profile: work
telemetry: false
profiles:
  work:
    cloud: public
    api_url: https://rest.cleura.cloud
    username: alice
    token: ${SECRET}
    region: sto2
    project_id: 0a1b2c3d4e5f
    token_stored_at: 2026-11-23T10:00:00Z
    color: blue
  lab:
    cloud: compliant
    username: bob
    token: "${OTHER_SECRET}"
    region: ~
    future:
      nested: [1, 2]
`;

async function write(path: string, text: string): Promise<string> {
  await Deno.writeTextFile(path, text);
  return path;
}

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

function oneLine(error: Error, path: string): void {
  assert.ok(!error.message.includes("\n"), error.message);
  assert.ok(error.message.includes(path), error.message);
  assert.ok(!error.message.includes(SECRET), error.message);
  assert.ok(!error.message.includes(OTHER_SECRET), error.message);
}

// Path resolution

Deno.test("cleuraConfigPath() prefers CLEURA_CONFIG, then XDG_CONFIG_HOME, HOME, APPDATA", () => {
  const all = {
    CLEURA_CONFIG: "/etc/cleura.yaml",
    XDG_CONFIG_HOME: "/xdg/",
    HOME: "/home/alice",
    APPDATA: "C:\\Users\\alice\\AppData\\Roaming",
  };
  assert.equal(cleuraConfigPath(all), "/etc/cleura.yaml");
  const { CLEURA_CONFIG: _, ...noConfig } = all;
  assert.equal(cleuraConfigPath(noConfig), "/xdg/cleura/config.yaml");
  const { XDG_CONFIG_HOME: __, ...noXdg } = noConfig;
  assert.equal(
    cleuraConfigPath(noXdg),
    "/home/alice/.config/cleura/config.yaml",
  );
  assert.equal(
    cleuraConfigPath({ APPDATA: all.APPDATA }),
    "C:\\Users\\alice\\AppData\\Roaming\\cleura\\config.yaml",
  );
  assert.equal(cleuraConfigPath({}), undefined);
});

Deno.test("cleuraConfigPath() ignores a relative XDG_CONFIG_HOME and empty values", () => {
  assert.equal(
    cleuraConfigPath({ XDG_CONFIG_HOME: "conf", HOME: "/home/a" }),
    "/home/a/.config/cleura/config.yaml",
  );
  assert.equal(
    cleuraConfigPath({ CLEURA_CONFIG: "", XDG_CONFIG_HOME: "", HOME: "/h" }),
    "/h/.config/cleura/config.yaml",
  );
});

Deno.test("cleuraConfigPath() refuses a CLEURA_CONFIG that is no path", () => {
  assert.throws(
    () => cleuraConfigPath({ CLEURA_CONFIG: "a\0b" }),
    (error: Error) =>
      error instanceof ConfigError &&
      /^CLEURA_CONFIG must be a file path/.test(error.message),
  );
});

// Reading

Deno.test("readCleuraProfiles() reads a file as cleura-cli writes it, unknown fields kept", async () => {
  await using dir = await tempDir();
  const path = await write(`${dir.path}/config.yaml`, GO_FILE);
  const file = await readCleuraProfiles(path);
  assert.deepEqual(file, {
    path,
    version: 1,
    currentProfile: "work",
    profiles: {
      work: {
        cloud: "public",
        api_url: "https://rest.cleura.cloud",
        username: "alice",
        token: SECRET,
        region: "sto2",
        project_id: "0a1b2c3d4e5f",
        token_stored_at: "2026-11-23T10:00:00Z",
        color: "blue",
      },
      lab: {
        cloud: "compliant",
        username: "bob",
        token: OTHER_SECRET,
        future: { nested: [1, 2] },
      },
    },
  });
});

Deno.test("readCleuraProfiles() reads nothing for a missing file, and defaults for a bare one", async () => {
  await using dir = await tempDir();
  assert.equal(await readCleuraProfiles(`${dir.path}/none.yaml`), undefined);
  for (const text of ["", "# only a comment\n", "profiles:\n"]) {
    const path = await write(`${dir.path}/config.yaml`, text);
    assert.deepEqual(await readCleuraProfiles(path), {
      path,
      version: 1,
      currentProfile: undefined,
      profiles: {},
    });
  }
});

Deno.test("readCleuraProfiles() refuses version 2 in one line, showing no value", async () => {
  await using dir = await tempDir();
  const path = await write(
    `${dir.path}/config.yaml`,
    GO_FILE.replace("version: 1", "version: 2"),
  );
  const error = await rejection(
    readCleuraProfiles(path),
    ConfigError,
    `Cannot read the Cleura CLI config ${path}: version 2 is not supported (cloudgate reads version 1)`,
  );
  oneLine(error, path);
});

for (
  const [what, text, reason] of [
    [
      "malformed YAML",
      `version: 1\nprofiles:\n  work: {token: ${SECRET}\n`,
      /: it is not valid YAML \(line \d+\)$/,
    ],
    ["a duplicate key", `version: 1\nversion: 1\n`, /: it is not valid YAML/],
    ["a list", `- ${SECRET}\n`, /: it is not a YAML mapping$/],
    ["a plain string", `${SECRET}\n`, /: it is not a YAML mapping$/],
    [
      "profiles that are not a mapping",
      `version: 1\nprofiles: [${SECRET}]\n`,
      /: profiles must be a mapping$/,
    ],
    [
      "a profile that is not a mapping",
      `profiles:\n  work: ${SECRET}\n`,
      /: profile "work" must be a mapping$/,
    ],
    [
      "a token that is not a string",
      `profiles:\n  work:\n    token: 99887766554433221100\n    x: ${SECRET}\n`,
      /: profile "work": token must be a string$/,
    ],
    [
      "a version that is not a whole number",
      `version: "1"\ntoken: ${SECRET}\n`,
      /: version must be a positive whole number$/,
    ],
    ["version 0", `version: 0\n`, /: version must be a positive whole number$/],
    [
      "a current_profile that is not a string",
      `current_profile: [a]\n`,
      /: current_profile must be a string$/,
    ],
    [
      "aliases",
      `a: &t ${SECRET}\nprofiles:\n  work:\n    token: *t\n`,
      /: it uses YAML aliases \(\*name\), which cloudgate does not read$/,
    ],
    [
      "a custom tag",
      `profiles:\n  work:\n    token: !secret ${SECRET}\n`,
      /: it is not valid YAML \(line 3\)$/,
    ],
    [
      "an unclosed list at the end of a two-line file",
      `profiles:\n  a: [\n`,
      /: it is not valid YAML \(line 2\)$/,
    ],
  ] as const
) {
  Deno.test(`readCleuraProfiles() refuses ${what} in one line naming the file`, async () => {
    await using dir = await tempDir();
    const path = await write(`${dir.path}/config.yaml`, text);
    const error = await rejection(readCleuraProfiles(path), ConfigError);
    assert.ok(
      error.message.startsWith(`Cannot read the Cleura CLI config ${path}: `),
      error.message,
    );
    assert.match(error.message, reason);
    oneLine(error, path);
    assert.equal(error.cause, undefined, "no cause that could quote the file");
  });
}

Deno.test("readCleuraProfiles() refuses a file over 256 KiB and a folder", async () => {
  await using dir = await tempDir();
  const path = await write(
    `${dir.path}/config.yaml`,
    `version: 1\n# ${"x".repeat(256 * 1024)}\n`,
  );
  await rejection(
    readCleuraProfiles(path),
    ConfigError,
    `Cannot read the Cleura CLI config ${path}: it is larger than 256 KiB`,
  );
  await rejection(
    readCleuraProfiles(dir.path),
    ConfigError,
    `Cannot read the Cleura CLI config ${dir.path}: it is not a regular file`,
  );
});

// A file or folder someone else could write: tests/config_trust_test.ts.

Deno.test({
  name: "readCleuraProfiles() names the flag when reading is not permitted",
  permissions: { read: false },
  fn: async () => {
    const path = "/nowhere/cleura/config.yaml";
    await rejection(
      readCleuraProfiles(path),
      ConfigError,
      `Cannot read the Cleura CLI config ${path}: not permitted (run with --allow-read=${path})`,
    );
  },
});

// Choosing a profile

const FILE = {
  path: "/home/alice/.config/cleura/config.yaml",
  version: 1,
  currentProfile: "work",
  profiles: { work: { username: "alice" }, lab: { username: "bob" } },
};

Deno.test("selectProfile() takes the name given, else current_profile, else default", () => {
  assert.deepEqual(selectProfile(FILE, "lab"), {
    name: "lab",
    profile: { username: "bob" },
  });
  assert.deepEqual(selectProfile(FILE), {
    name: "work",
    profile: { username: "alice" },
  });
  const noCurrent = { ...FILE, currentProfile: undefined };
  assert.deepEqual(selectProfile(noCurrent), {
    name: "default",
    profile: undefined,
  });
  assert.deepEqual(selectProfile(undefined), {
    name: "default",
    profile: undefined,
  });
});

Deno.test("selectProfile() refuses a name given that the file lacks, listing its profiles", () => {
  for (const name of ["prod", "toString", "__proto__"]) {
    assert.throws(
      () => selectProfile(FILE, name),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          `Cleura CLI profile "${name}" is not in ${FILE.path} (profiles: work, lab)`,
        );
        return true;
      },
    );
  }
  assert.throws(() => selectProfile(undefined, "prod"), ConfigError);
});

// Merging with the environment

const WORK = {
  cloud: "public",
  api_url: "https://rest.cleura.cloud",
  username: "alice",
  token: SECRET,
  region: "sto2",
  project_id: "p1",
  token_stored_at: "2026-11-23T10:00:00Z",
  color: "blue",
};

Deno.test("profileEnv() maps the fields that are set onto cloudgate's variables", () => {
  assert.deepEqual(profileEnv(WORK), {
    CLEURA_CLOUD: "public",
    CLEURA_API_URL: "https://rest.cleura.cloud",
    CLEURA_API_USERNAME: "alice",
    CLEURA_API_TOKEN: SECRET,
    CLEURA_REGION: "sto2",
    CLEURA_PROJECT_ID: "p1",
  });
  assert.deepEqual(profileEnv({ username: "", region: "  " }), {});
  assert.deepEqual(profileEnv(undefined), {});
});

Deno.test("mergeProfileEnv() lets the environment win and the profile fill in", () => {
  assert.deepEqual(
    mergeProfileEnv({ CLEURA_REGION: "fra1", ITOPIA_API_KEY: "k" }, WORK),
    {
      CLEURA_REGION: "fra1",
      ITOPIA_API_KEY: "k",
      CLEURA_CLOUD: "public",
      CLEURA_API_URL: "https://rest.cleura.cloud",
      CLEURA_API_USERNAME: "alice",
      CLEURA_API_TOKEN: SECRET,
      CLEURA_PROJECT_ID: "p1",
    },
  );
  assert.equal(
    mergeProfileEnv({ CLEURA_API_TOKEN: "env-token" }, WORK).CLEURA_API_TOKEN,
    "env-token",
  );
  assert.deepEqual(mergeProfileEnv({ HOME: "/h" }, undefined), { HOME: "/h" });
});

Deno.test("mergeProfileEnv() drops the profile's token for another user", () => {
  const env = mergeProfileEnv({ CLEURA_API_USERNAME: "bob" }, WORK);
  assert.equal(env.CLEURA_API_USERNAME, "bob");
  assert.equal(env.CLEURA_API_TOKEN, undefined);
  assert.equal(env.CLEURA_REGION, "sto2");
  // The same user: the token stays.
  assert.equal(
    mergeProfileEnv({ CLEURA_API_USERNAME: "alice" }, WORK).CLEURA_API_TOKEN,
    SECRET,
  );
  // A profile with no username cannot vouch for the environment's user.
  const anonymous = { token: SECRET };
  assert.equal(
    mergeProfileEnv({ CLEURA_API_USERNAME: "bob" }, anonymous).CLEURA_API_TOKEN,
    undefined,
  );
  assert.equal(mergeProfileEnv({}, anonymous).CLEURA_API_TOKEN, SECRET);
});

Deno.test("mergeProfileEnv() ignores the profile's API, and its token, when the environment picks another", () => {
  const byUrl = mergeProfileEnv(
    { CLEURA_API_URL: "https://rest.private.example" },
    WORK,
  );
  assert.equal(byUrl.CLEURA_API_URL, "https://rest.private.example");
  assert.equal(byUrl.CLEURA_CLOUD, undefined);
  assert.equal(byUrl.CLEURA_API_TOKEN, undefined);
  const byCloud = mergeProfileEnv({ CLEURA_CLOUD: "compliant" }, WORK);
  assert.equal(byCloud.CLEURA_CLOUD, "compliant");
  assert.equal(byCloud.CLEURA_API_URL, undefined);
  assert.equal(byCloud.CLEURA_API_TOKEN, undefined);
  // The same API, named another way: the token stays.
  assert.equal(
    mergeProfileEnv({ CLEURA_API_URL: `${CLEURA_PUBLIC_URL}/` }, WORK)
      .CLEURA_API_TOKEN,
    SECRET,
  );
  const compliant = { cloud: "compliant", username: "alice", token: SECRET };
  assert.equal(
    mergeProfileEnv({ CLEURA_API_URL: CLEURA_COMPLIANT_URL }, compliant)
      .CLEURA_API_TOKEN,
    SECRET,
  );
  assert.equal(
    mergeProfileEnv({ CLEURA_CLOUD: "public" }, compliant).CLEURA_API_TOKEN,
    undefined,
  );
});

// loadProfileEnv

Deno.test("loadProfileEnv() leaves the environment alone without a file or a path", async () => {
  await using dir = await tempDir();
  const env = { CLEURA_CONFIG: `${dir.path}/none.yaml`, CLEURA_REGION: "x1" };
  assert.deepEqual(await loadProfileEnv(env), { env });
  assert.deepEqual(await loadProfileEnv({ CLEURA_REGION: "x1" }), {
    env: { CLEURA_REGION: "x1" },
  });
});

Deno.test("loadProfileEnv() refuses a profile asked for by name when there is no file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/none.yaml`;
  const message =
    `Cleura CLI profile "work" is not available: ${path} does not exist`;
  await rejection(
    loadProfileEnv({ CLEURA_CONFIG: path }, { profile: "work" }),
    ConfigError,
    message,
  );
  await rejection(
    loadProfileEnv({ CLEURA_CONFIG: path, CLEURA_PROFILE: "work" }),
    ConfigError,
    message,
  );
  await rejection(
    loadProfileEnv({ CLEURA_PROFILE: "work" }),
    ConfigError,
    /^Cleura CLI profile "work" is not available: no config file location is known/,
  );
});

Deno.test("loadProfileEnv() picks the option, then CLEURA_PROFILE, then current_profile", async () => {
  await using dir = await tempDir();
  const path = await write(`${dir.path}/config.yaml`, GO_FILE);
  const base = { CLEURA_CONFIG: path };
  const current = await loadProfileEnv(base);
  assert.deepEqual(current.profile, { name: "work", path });
  assert.equal(current.env.CLEURA_API_USERNAME, "alice");
  assert.equal(current.env.CLEURA_API_TOKEN, SECRET);
  const byEnv = await loadProfileEnv({ ...base, CLEURA_PROFILE: "lab" });
  assert.deepEqual(byEnv.profile, { name: "lab", path });
  assert.equal(byEnv.env.CLEURA_CLOUD, "compliant");
  assert.equal(byEnv.env.CLEURA_API_TOKEN, OTHER_SECRET);
  const byOption = await loadProfileEnv(
    { ...base, CLEURA_PROFILE: "lab" },
    { profile: "work" },
  );
  assert.deepEqual(byOption.profile, { name: "work", path });
  const missing = await rejection(
    loadProfileEnv(base, { profile: "prod" }),
    ConfigError,
    `Cleura CLI profile "prod" is not in ${path} (profiles: work, lab)`,
  );
  oneLine(missing, path);
});

Deno.test("loadProfileEnv() finds the file under HOME", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/.config/cleura`, { recursive: true });
  await write(`${dir.path}/.config/cleura/config.yaml`, GO_FILE);
  const { env, profile } = await loadProfileEnv({ HOME: dir.path });
  assert.equal(profile?.path, `${dir.path}/.config/cleura/config.yaml`);
  assert.equal(env.CLEURA_REGION, "sto2");
});

Deno.test("loadProfileEnv() names the profile's field when a value it adds is bad", async () => {
  await using dir = await tempDir();
  const path = await write(
    `${dir.path}/config.yaml`,
    `profiles:\n  default:\n    cloud: private\n    token: ${SECRET}\n`,
  );
  const error = await rejection(
    loadProfileEnv({ CLEURA_CONFIG: path }),
    ConfigError,
    `Cleura CLI profile "default" in ${path}: cloud must be "public" or "compliant"`,
  );
  oneLine(error, path);
  await write(path, `profiles:\n  default:\n    region: "no such region!"\n`);
  await rejection(
    loadProfileEnv({ CLEURA_CONFIG: path }),
    ConfigError,
    `Cleura CLI profile "default" in ${path}: region must be a region name such as "sto2"`,
  );
  // The environment's own value wins, and the profile's is then not used.
  const { env } = await loadProfileEnv({
    CLEURA_CONFIG: path,
    CLEURA_REGION: "sto2",
  });
  assert.equal(env.CLEURA_REGION, "sto2");
});

Deno.test("loadProfileEnv() refuses a bad profile name", async () => {
  await rejection(
    loadProfileEnv({ CLEURA_PROFILE: "a b" }),
    ConfigError,
    /^CLEURA_PROFILE must be a profile name/,
  );
  await rejection(
    loadProfileEnv({}, { profile: "../x\n" }),
    ConfigError,
    /^Cleura CLI profile name "\.\.\/x\\n" is not valid/,
  );
});

// Storing a token

Deno.test("storeProfileToken() sets the token and keeps every other field, profile and the comment", async () => {
  await using dir = await tempDir();
  const path = await write(`${dir.path}/config.yaml`, GO_FILE);
  await Deno.chmod(path, 0o644);
  await storeProfileToken(path, {
    profile: "lab",
    token: "new-token-123",
    username: "bob",
    apiUrl: CLEURA_COMPLIANT_URL,
    now: new Date("2026-12-01T08:30:00.000Z"),
  });
  const text = await Deno.readTextFile(path);
  assert.ok(
    text.startsWith(
      '# This file is managed by cleura CLI. Do not edit by hand.\n# Run "cleura login" to update it.\nversion: 1\n',
    ),
    text,
  );
  const file = await readCleuraProfiles(path);
  assert.equal(file?.currentProfile, "work");
  assert.deepEqual(file?.profiles.work, {
    cloud: "public",
    api_url: "https://rest.cleura.cloud",
    username: "alice",
    token: SECRET,
    region: "sto2",
    project_id: "0a1b2c3d4e5f",
    token_stored_at: "2026-11-23T10:00:00Z",
    color: "blue",
  });
  // The cloud already names the API, so no api_url is added.
  assert.deepEqual(file?.profiles.lab, {
    cloud: "compliant",
    username: "bob",
    token: "new-token-123",
    future: { nested: [1, 2] },
    token_stored_at: "2026-12-01T08:30:00Z",
  });
  const document = load(text) as Record<string, unknown>;
  assert.equal(document.telemetry, false);
  assert.ok("region" in (document.profiles as { lab: object }).lab);
  if (POSIX) {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  }
  assert.deepEqual(await entries(dir.path), ["config.yaml"]);
});

Deno.test("storeProfileToken() creates the file, and its folder mode 0700", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/xdg/cleura/config.yaml`;
  await storeProfileToken(path, {
    profile: "work",
    token: SECRET,
    username: "alice",
    apiUrl: "https://rest.cleura.cloud/",
    now: new Date("2026-11-23T10:00:00Z"),
  });
  const text = await Deno.readTextFile(path);
  assert.ok(
    text.startsWith(
      "# Cleura CLI configuration (also written by cloudgate: cleura login --profile)\n",
    ),
  );
  assert.deepEqual(await readCleuraProfiles(path), {
    path,
    version: 1,
    currentProfile: "work",
    profiles: {
      work: {
        api_url: "https://rest.cleura.cloud",
        username: "alice",
        token: SECRET,
        token_stored_at: "2026-11-23T10:00:00Z",
      },
    },
  });
  if (POSIX) {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal(
      (await Deno.stat(`${dir.path}/xdg/cleura`)).mode! & 0o777,
      0o700,
    );
    assert.equal((await Deno.stat(`${dir.path}/xdg`)).mode! & 0o777, 0o700);
  }
  assert.deepEqual(await entries(`${dir.path}/xdg/cleura`), ["config.yaml"]);
  // Another profile joins the file; the current profile stays.
  await storeProfileToken(path, { profile: "lab", token: "t2" });
  const file = await readCleuraProfiles(path);
  assert.equal(file?.currentProfile, "work");
  assert.deepEqual(Object.keys(file?.profiles ?? {}), ["work", "lab"]);
  assert.equal(file?.profiles.lab?.token, "t2");
});

Deno.test({
  name: "storeProfileToken() leaves an existing folder's mode alone",
  ignore: !POSIX,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.chmod(dir.path, 0o755);
    await storeProfileToken(`${dir.path}/config.yaml`, {
      profile: "p",
      token: "t",
    });
    assert.equal((await Deno.stat(dir.path)).mode! & 0o777, 0o755);
  },
});

Deno.test("storeProfileToken() writes nothing over a malformed file", async () => {
  await using dir = await tempDir();
  const bad = `version: 2\nprofiles:\n  work:\n    token: ${SECRET}\n`;
  const path = await write(`${dir.path}/config.yaml`, bad);
  const error = await rejection(
    storeProfileToken(path, { profile: "work", token: "new" }),
    ConfigError,
    `Cannot read the Cleura CLI config ${path}: version 2 is not supported (cloudgate reads version 1)`,
  );
  oneLine(error, path);
  assert.equal(await Deno.readTextFile(path), bad);
  assert.deepEqual(await entries(dir.path), ["config.yaml"]);
});

Deno.test({
  name:
    "storeProfileToken() refuses a symbolic link, leaving link and file intact",
  ignore: !POSIX,
  fn: async () => {
    await using dir = await tempDir();
    const real = await write(`${dir.path}/real.yaml`, GO_FILE);
    const link = `${dir.path}/config.yaml`;
    await Deno.symlink(real, link);
    const error = await rejection(
      storeProfileToken(link, { profile: "work", token: "new" }),
      ConfigError,
      /^Cannot store the token in .*config\.yaml: it is a symbolic link/,
    );
    oneLine(error, link);
    assert.ok((await Deno.lstat(link)).isSymlink);
    assert.equal(await Deno.readTextFile(real), GO_FILE);
    assert.deepEqual(await entries(dir.path), ["config.yaml", "real.yaml"]);
  },
});

Deno.test({
  name: "storeProfileToken() refuses a folder other users may write",
  ignore: !POSIX,
  fn: async () => {
    await using dir = await tempDir();
    const path = await write(`${dir.path}/config.yaml`, GO_FILE);
    await Deno.chmod(dir.path, 0o777);
    await rejection(
      storeProfileToken(path, { profile: "work", token: "new" }),
      ConfigError,
      /: its folder .* is refused: it is writable by other users \(mode 0777\)$/,
    );
    assert.equal(await Deno.readTextFile(path), GO_FILE);
    assert.deepEqual(await entries(dir.path), ["config.yaml"]);
  },
});

Deno.test("storeProfileToken() refuses a profile of another user or API", async () => {
  await using dir = await tempDir();
  const path = await write(`${dir.path}/config.yaml`, GO_FILE);
  await rejection(
    storeProfileToken(path, {
      profile: "work",
      token: "new",
      username: "mallory",
    }),
    ConfigError,
    `Cannot store the token in ${path}: the profile is for another user (log in as that user, or choose another profile)`,
  );
  await rejection(
    storeProfileToken(path, {
      profile: "lab",
      token: "new",
      username: "bob",
      apiUrl: CLEURA_PUBLIC_URL,
    }),
    ConfigError,
    /: the profile is for another API/,
  );
  assert.equal(await Deno.readTextFile(path), GO_FILE);
});

Deno.test("storeProfileToken() fills in a username and API only where the profile has none", async () => {
  await using dir = await tempDir();
  const path = await write(
    `${dir.path}/config.yaml`,
    "version: 1\nprofiles:\n  a:\n    region: sto2\n",
  );
  await storeProfileToken(path, {
    profile: "a",
    token: "t",
    username: "alice",
    apiUrl: "https://rest.private.example",
    now: new Date("2026-01-02T03:04:05.678Z"),
  });
  const file = await readCleuraProfiles(path);
  assert.deepEqual(file?.profiles.a, {
    region: "sto2",
    api_url: "https://rest.private.example",
    username: "alice",
    token: "t",
    token_stored_at: "2026-01-02T03:04:05.678Z",
  });
  assert.equal(file?.currentProfile, undefined);
});

Deno.test("checkProfileToken() throws exactly what storeProfileToken() would, and writes nothing", async () => {
  await using dir = await tempDir();
  const path = await write(`${dir.path}/config.yaml`, GO_FILE);
  const cases: [Parameters<typeof checkProfileToken>[1], string | null][] = [
    [{ profile: "work", username: "alice", apiUrl: CLEURA_PUBLIC_URL }, null],
    [{ profile: "new-one", username: "mallory" }, null],
    [{ profile: "work", username: "mallory" }, "another user"],
    [
      { profile: "lab", username: "bob", apiUrl: CLEURA_PUBLIC_URL },
      "another API",
    ],
    [{ profile: "bad name!" }, "is not valid"],
  ];
  for (const [owner, refused] of cases) {
    const checked = await checkProfileToken(path, owner).then(
      () => null,
      (error: Error) => error.message,
    );
    const stored = await storeProfileToken(`${dir.path}/copy.yaml`, {
      ...owner,
      token: "t",
    }).then(() => null, (error: Error) => error.message);
    if (refused === null) assert.equal(checked, null, JSON.stringify(owner));
    else assert.match(checked ?? "", new RegExp(refused));
    await Deno.writeTextFile(`${dir.path}/copy.yaml`, GO_FILE);
    assert.equal(
      checked?.replace(path, "P"),
      stored?.replace(`${dir.path}/copy.yaml`, "P"),
    );
  }
  const malformed = await write(`${dir.path}/bad.yaml`, "version: 1\n  x: [\n");
  await rejection(
    checkProfileToken(malformed, { profile: "work" }),
    ConfigError,
    /bad\.yaml: .*not valid YAML/,
  );
  // No file, no folder: nothing to refuse, and nothing is made.
  await checkProfileToken(`${dir.path}/none/cleura/config.yaml`, {
    profile: "work",
  });
  assert.equal(await Deno.readTextFile(path), GO_FILE);
  assert.deepEqual(await entries(dir.path), [
    "bad.yaml",
    "config.yaml",
    "copy.yaml",
  ]);
});

Deno.test({
  name: "checkProfileToken() refuses a link and a folder other users may write",
  ignore: !POSIX,
  fn: async () => {
    await using dir = await tempDir();
    const real = await write(`${dir.path}/real.yaml`, GO_FILE);
    await Deno.symlink(real, `${dir.path}/config.yaml`);
    await rejection(
      checkProfileToken(`${dir.path}/config.yaml`, { profile: "work" }),
      ConfigError,
      /: it is a symbolic link/,
    );
    await Deno.chmod(dir.path, 0o777);
    await rejection(
      checkProfileToken(real, { profile: "work" }),
      ConfigError,
      /: its folder .* is refused: it is writable by other users/,
    );
    await Deno.chmod(dir.path, 0o700);
  },
});
