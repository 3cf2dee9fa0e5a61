import assert from "node:assert/strict";
import { load } from "js-yaml";
import { ConfigError } from "../lib/errors.ts";
import { cleuraConfigPath, readCleuraProfiles } from "../lib/cleura/profile.ts";
import {
  loadCleuraProfile,
  resolveCleuraSettings,
  selectProfile,
} from "../lib/cleura/resolve.ts";
import { type CleuraProfile, pickCleuraSettings } from "../mod.ts";
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

/** The settings the environment and a profile (named work) give. */
function pick(env: Record<string, string>, fields?: CleuraProfile) {
  const profile = fields === undefined ? undefined : {
    name: "work",
    path: "/home/alice/.config/cleura/config.yaml",
    chosenBy: "current_profile",
    fields,
  };
  return pickCleuraSettings({ env, profile });
}

Deno.test("pickCleuraSettings() takes the profile's fields that are set, each with its source", () => {
  const settings = pick({}, WORK);
  assert.deepEqual(
    {
      apiUrl: settings.apiUrl,
      username: settings.username,
      token: settings.token,
      region: settings.region,
      projectId: settings.projectId,
    },
    {
      apiUrl: "https://rest.cleura.cloud",
      username: "alice",
      token: SECRET,
      region: "sto2",
      projectId: "p1",
    },
  );
  assert.deepEqual(settings.sources.apiUrl, {
    kind: "profile",
    name: "api_url",
  });
  assert.deepEqual(settings.sources.projectId, {
    kind: "profile",
    name: "project_id",
  });
  const blank = pick({}, { username: "", region: "  " });
  assert.equal(blank.username, undefined);
  assert.equal(blank.region, undefined);
  assert.deepEqual(pick({}).sources, {
    apiUrl: { kind: "default", name: "default" },
  });
});

Deno.test("pickCleuraSettings() lets the environment win and the profile fill in", () => {
  const settings = pick({ CLEURA_REGION: "fra1", ITOPIA_API_KEY: "k" }, WORK);
  assert.equal(settings.region, "fra1");
  assert.deepEqual(settings.sources.region, {
    kind: "env",
    name: "CLEURA_REGION",
  });
  assert.equal(settings.apiUrl, "https://rest.cleura.cloud");
  assert.equal(settings.username, "alice");
  assert.equal(settings.token, SECRET);
  assert.equal(settings.projectId, "p1");
  assert.equal(
    pick({ CLEURA_API_TOKEN: "env-token" }, WORK).token,
    "env-token",
  );
  assert.deepEqual(pick({ HOME: "/h" }).profile, undefined);
});

Deno.test("pickCleuraSettings() drops the profile's token for another user", () => {
  const settings = pick({ CLEURA_API_USERNAME: "bob" }, WORK);
  assert.equal(settings.username, "bob");
  assert.equal(settings.token, undefined);
  assert.equal(settings.region, "sto2");
  // The same user: the token stays.
  assert.equal(pick({ CLEURA_API_USERNAME: "alice" }, WORK).token, SECRET);
  // A profile with no username cannot vouch for the environment's user.
  const anonymous = { token: SECRET };
  assert.equal(
    pick({ CLEURA_API_USERNAME: "bob" }, anonymous).token,
    undefined,
  );
  assert.equal(pick({}, anonymous).token, SECRET);
});

Deno.test("pickCleuraSettings() ignores the profile's API, and its token, when the environment picks another", () => {
  const byUrl = pick({ CLEURA_API_URL: "https://rest.private.example" }, WORK);
  assert.equal(byUrl.apiUrl, "https://rest.private.example");
  assert.deepEqual(byUrl.sources.apiUrl, {
    kind: "env",
    name: "CLEURA_API_URL",
  });
  assert.equal(byUrl.token, undefined);
  const byCloud = pick({ CLEURA_CLOUD: "compliant" }, WORK);
  assert.equal(byCloud.apiUrl, CLEURA_COMPLIANT_URL);
  assert.deepEqual(byCloud.sources.apiUrl, {
    kind: "env",
    name: "CLEURA_CLOUD",
  });
  assert.equal(byCloud.token, undefined);
  // The same API, named another way: the token stays.
  assert.equal(
    pick({ CLEURA_API_URL: `${CLEURA_PUBLIC_URL}/` }, WORK).token,
    SECRET,
  );
  const compliant = { cloud: "compliant", username: "alice", token: SECRET };
  assert.equal(
    pick({ CLEURA_API_URL: CLEURA_COMPLIANT_URL }, compliant).token,
    SECRET,
  );
  assert.equal(pick({ CLEURA_CLOUD: "public" }, compliant).token, undefined);
});

Deno.test("pickCleuraSettings() picks each field on its own: flag > environment > profile > default", () => {
  const names = {
    region: "--region",
    projectId: "--project-id",
    projects: "cloudgate cleura projects",
  };
  const profile = {
    name: "work",
    path: "/p/config.yaml",
    chosenBy: "--profile",
    fields: { region: "sto2", project_id: "p1", username: "alice" },
  };
  const settings = pickCleuraSettings({
    env: { CLEURA_REGION: "fra1", CLEURA_PROJECT_ID: "p2" },
    profile,
    flags: { projectId: "p3" },
    names,
  });
  assert.deepEqual(
    [settings.projectId, settings.region, settings.username, settings.apiUrl],
    ["p3", "fra1", "alice", CLEURA_PUBLIC_URL],
  );
  assert.deepEqual(settings.sources, {
    apiUrl: { kind: "default", name: "default" },
    username: { kind: "profile", name: "username" },
    region: { kind: "env", name: "CLEURA_REGION" },
    projectId: { kind: "flag", name: "--project-id" },
  });
  // Each is checked where it is picked, and the error names that source.
  assert.throws(
    () => pickCleuraSettings({ env: {}, flags: { region: "sto 2" }, names }),
    new ConfigError(
      '--region must be a region name such as "sto2", got "sto 2"',
    ),
  );
  assert.throws(
    () => pickCleuraSettings({ env: { CLEURA_REGION: "sto 2" }, profile }),
    new ConfigError(
      'CLEURA_REGION must be a region name such as "sto2", got "sto 2"',
    ),
  );
  assert.throws(
    () =>
      pickCleuraSettings({
        env: {},
        profile: { ...profile, fields: { region: "sto 2" } },
      }),
    new ConfigError(
      'Cleura CLI profile "work" in /p/config.yaml: region must be a region name such as "sto2"',
    ),
  );
});

// Reading the profile and resolving the settings

Deno.test("resolveCleuraSettings() uses the environment alone without a file or a path", async () => {
  await using dir = await tempDir();
  const env = { CLEURA_CONFIG: `${dir.path}/none.yaml`, CLEURA_REGION: "x1" };
  assert.equal(await loadCleuraProfile(env), undefined);
  const settings = await resolveCleuraSettings(env);
  assert.equal(settings.region, "x1");
  assert.equal(settings.profile, undefined);
  assert.equal(await loadCleuraProfile({ CLEURA_REGION: "x1" }), undefined);
});

Deno.test("loadCleuraProfile() refuses a profile asked for by name when there is no file", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/none.yaml`;
  const message =
    `Cleura CLI profile "work" is not available: ${path} does not exist`;
  await rejection(
    loadCleuraProfile({ CLEURA_CONFIG: path }, { profile: "work" }),
    ConfigError,
    message,
  );
  await rejection(
    loadCleuraProfile({ CLEURA_CONFIG: path, CLEURA_PROFILE: "work" }),
    ConfigError,
    message,
  );
  await rejection(
    loadCleuraProfile({ CLEURA_PROFILE: "work" }),
    ConfigError,
    /^Cleura CLI profile "work" is not available: no config file location is known/,
  );
});

Deno.test("resolveCleuraSettings() picks the option, then CLEURA_PROFILE, then current_profile", async () => {
  await using dir = await tempDir();
  const path = await write(`${dir.path}/config.yaml`, GO_FILE);
  const base = { CLEURA_CONFIG: path };
  const current = await resolveCleuraSettings(base);
  assert.deepEqual(current.profile, {
    name: "work",
    path,
    chosenBy: "current_profile",
  });
  assert.equal(current.username, "alice");
  assert.equal(current.token, SECRET);
  const byEnv = await resolveCleuraSettings({ ...base, CLEURA_PROFILE: "lab" });
  assert.deepEqual(byEnv.profile, {
    name: "lab",
    path,
    chosenBy: "CLEURA_PROFILE",
  });
  assert.equal(byEnv.apiUrl, CLEURA_COMPLIANT_URL);
  assert.equal(byEnv.token, OTHER_SECRET);
  const byOption = await resolveCleuraSettings(
    { ...base, CLEURA_PROFILE: "lab" },
    { profile: "work" },
  );
  assert.deepEqual(byOption.profile, {
    name: "work",
    path,
    chosenBy: "--profile",
  });
  const missing = await rejection(
    resolveCleuraSettings(base, { profile: "prod" }),
    ConfigError,
    `Cleura CLI profile "prod" is not in ${path} (profiles: work, lab)`,
  );
  oneLine(missing, path);
});

Deno.test("resolveCleuraSettings() finds the file under HOME", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/.config/cleura`, { recursive: true });
  await write(`${dir.path}/.config/cleura/config.yaml`, GO_FILE);
  const settings = await resolveCleuraSettings({ HOME: dir.path });
  assert.equal(
    settings.profile?.path,
    `${dir.path}/.config/cleura/config.yaml`,
  );
  assert.equal(settings.region, "sto2");
});

Deno.test("loadCleuraProfile() names the profile's field and file when a value it gives is bad", async () => {
  await using dir = await tempDir();
  const path = await write(
    `${dir.path}/config.yaml`,
    `profiles:\n  default:\n    cloud: private\n    token: ${SECRET}\n`,
  );
  const error = await rejection(
    loadCleuraProfile({ CLEURA_CONFIG: path }),
    ConfigError,
    `Cleura CLI profile "default" in ${path}: cloud must be "public" or "compliant"`,
  );
  oneLine(error, path);
  await write(path, `profiles:\n  default:\n    region: "no such region!"\n`);
  await rejection(
    loadCleuraProfile({ CLEURA_CONFIG: path }),
    ConfigError,
    `Cleura CLI profile "default" in ${path}: region must be a region name such as "sto2"`,
  );
  // The environment's own value wins, and the profile's is then not used.
  const settings = await resolveCleuraSettings({
    CLEURA_CONFIG: path,
    CLEURA_REGION: "sto2",
  });
  assert.equal(settings.region, "sto2");
});

Deno.test("loadCleuraProfile() refuses a bad profile name", async () => {
  await rejection(
    loadCleuraProfile({ CLEURA_PROFILE: "a b" }),
    ConfigError,
    /^CLEURA_PROFILE must be a profile name/,
  );
  await rejection(
    loadCleuraProfile({}, { profile: "../x\n" }),
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
