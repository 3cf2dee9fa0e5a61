// The fault matrix: every API call site, through the library, the CLI and an
// MCP tool, against each fault the emulator can inject.
import assert from "node:assert/strict";
import { accountEnv, creds, ITOPIA_KEY as KEY } from "./_helpers/accounts.ts";
import { runMain } from "./_helpers/cli.ts";
import { tempDir } from "./_helpers/temp.ts";
import {
  bySpoken,
  type Emulator,
  type Fault,
  startEmulator,
} from "./_helpers/emulator.ts";
import {
  ApiError,
  CleuraSession,
  CloudgateError,
  type HttpOptions,
  ItopiaAuth,
  listCloudInstances,
  listDomains,
  listProjects,
  loginItopia,
  NetworkError,
  requestSmsCode,
  ResponseFormatError,
  revokeToken,
  startLogin,
  TimeoutError,
  validateToken,
  verifySmsCode,
} from "../mod.ts";
import { call, closedPort, memoryClient } from "./_helpers/mcp.ts";

// Short, so a hang ends fast; long enough to stream an 11 MiB answer on a busy
// machine (at 300 ms the oversize case once timed out instead).
const TIMEOUT_MS = 800;
const http: HttpOptions = { timeoutMs: TIMEOUT_MS, retryDelayMs: 1 };

interface Site {
  name: string;
  read: boolean;
  /** Whether the answer is a JSON document whose shape is checked. */
  shaped: boolean;
  path: string;
  method: string;
  run(emu: Emulator, baseUrl?: string): Promise<unknown>;
}

/**
 * bob's SMS challenge, with its code sent when `sent`; the steps that take it
 * go to `apiUrl` (default: the emulator).
 */
async function smsChallenge(
  emu: Emulator,
  apiUrl = emu.cleuraUrl,
  sent = false,
) {
  const start = await startLogin(creds(emu, "bob"), { twofa: "sms" });
  if (start.kind !== "sms") throw new Error("expected an SMS challenge");
  const challenge = {
    apiUrl: emu.cleuraUrl,
    login: "bob",
    verification: start.verification,
  };
  if (sent) await requestSmsCode(challenge);
  return { ...challenge, apiUrl };
}

function tokenSession(emu: Emulator, apiUrl = emu.cleuraUrl): CleuraSession {
  return new CleuraSession({
    apiUrl,
    login: "alice",
    token: emu.issueCleuraToken("alice"),
    ...http,
  });
}

/** The auth call sites of one generation, pinned to it. */
function authSites(version: "v1" | "v2"): Site[] {
  const v1 = version === "v1";
  const o = { ...http, apiVersion: version };
  const name = (what: string) => `Cleura ${v1 ? "" : "v2 "}${what}`;
  return [
    {
      name: name("password login"),
      read: false,
      shaped: true,
      path: `/auth/${version}/tokens`,
      method: "POST",
      run: (emu, url = emu.cleuraUrl) =>
        startLogin(
          { apiUrl: url, login: "alice", password: "alice-password" },
          o,
        ),
    },
    {
      name: name("SMS request"),
      read: false,
      shaped: false,
      path: v1 ? "/auth/v1/tokens/request2facode" : "/auth/v2/request-sms-code",
      method: "POST",
      run: async (emu, url) => requestSmsCode(await smsChallenge(emu, url), o),
    },
    {
      name: name("SMS verification"),
      read: false,
      shaped: true,
      path: v1 ? "/auth/v1/tokens/verify2fa" : "/auth/v2/tokens-by-sms-code",
      method: "POST",
      run: async (emu, url) =>
        verifySmsCode({
          ...await smsChallenge(emu, url, true),
          code: emu.lastSmsCode("bob")!,
        }, o),
    },
    {
      name: name("token validation"),
      read: false,
      shaped: false,
      path: `/auth/${version}/tokens/validate`,
      method: "POST",
      run: (emu, url = emu.cleuraUrl) =>
        validateToken({
          apiUrl: url,
          login: "alice",
          token: emu.issueCleuraToken("alice"),
        }, o),
    },
    {
      name: name("token revocation"),
      read: false,
      shaped: false,
      path: `/auth/${version}/tokens`,
      method: "DELETE",
      run: (emu, url = emu.cleuraUrl) =>
        revokeToken({
          apiUrl: url,
          login: "alice",
          token: emu.issueCleuraToken("alice"),
        }, o),
    },
  ];
}

const SITES: Site[] = [
  ...authSites("v1"),
  ...authSites("v2"),
  {
    name: "Cleura domains",
    read: true,
    shaped: true,
    path: bySpoken({
      v1: "/accesscontrol/v1/openstack/domains",
      v2: "/openstack/identity/v2/domains",
    }),
    method: "GET",
    run: (emu, url) => listDomains(tokenSession(emu, url)),
  },
  {
    name: "Cleura projects",
    read: true,
    shaped: true,
    path: "/projects",
    method: "GET",
    run: (emu, url) =>
      listProjects(tokenSession(emu, url), {
        domainId: "79b0cef45b504586ad0bf057dc4cb8b8",
      }),
  },
  {
    name: "itopia login",
    read: false,
    shaped: true,
    path: "/accounts/login/",
    method: "POST",
    run: (emu, url = emu.itopiaUrl) =>
      loginItopia({
        apiUrl: url,
        username: "admin@example.com",
        password: "admin-password",
      }, http),
  },
  {
    name: "itopia cloud instances",
    read: true,
    shaped: true,
    path: "/cloudInstances",
    method: "GET",
    run: (emu, url = emu.itopiaUrl) =>
      listCloudInstances(
        new ItopiaAuth({
          apiUrl: url,
          apiKey: KEY,
          organizationId: 42,
          ...http,
        }),
        { deploymentId: 101 },
      ),
  },
];

function counted(emu: Emulator, site: Site): number {
  return Object.entries(emu.counters.byRoute)
    .filter(([route]) =>
      route.startsWith(`${site.method} `) && route.endsWith(site.path)
    )
    .reduce((sum, [, n]) => sum + n, 0);
}

async function failure(promise: Promise<unknown>): Promise<CloudgateError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(
      error instanceof CloudgateError,
      `not a typed error: ${String(error)}`,
    );
    assert.doesNotMatch(error.message, /\n|<\/?[a-z]/i);
    return error;
  }
  throw new Error("expected a failure");
}

function inject(emu: Emulator, site: Site, fault: Fault): void {
  emu.injectFault({
    ...fault,
    method: site.method,
    path: new RegExp(`${site.path.replace(/\//g, "\\/")}$`),
  });
}

for (const site of SITES) {
  Deno.test(`fault matrix: ${site.name} times out on a server that never answers`, async () => {
    await using emu = await startEmulator();
    inject(emu, site, { kind: "hang", times: 5 });
    const started = Date.now();
    const error = await failure(site.run(emu));
    assert.ok(error instanceof TimeoutError, error.message);
    assert.match(error.message, /timed out/);
    assert.ok(
      Date.now() - started < MAX_ATTEMPTS_TIME,
      `${Date.now() - started} ms`,
    );
  });

  Deno.test(`fault matrix: ${site.name} names the host when the connection is refused`, async () => {
    await using emu = await startEmulator();
    const port = closedPort();
    const error = await failure(site.run(emu, `http://127.0.0.1:${port}`));
    assert.ok(error instanceof NetworkError, error.message);
    assert.match(
      error.message,
      new RegExp(`cannot reach "127\\.0\\.0\\.1:${port}": connection refused`),
    );
  });

  Deno.test(`fault matrix: ${site.name} reports a connection reset mid-body`, async () => {
    await using emu = await startEmulator();
    inject(emu, site, { kind: "reset", times: 5 });
    const error = await failure(site.run(emu));
    assert.ok(error instanceof NetworkError, error.message);
    assert.match(error.message, /cannot reach "127\.0\.0\.1:\d+"/);
  });

  Deno.test(`fault matrix: ${site.name} on a 429 with Retry-After ${site.read ? "retries" : "is never retried"}`, async () => {
    await using emu = await startEmulator();
    inject(emu, site, { kind: "status", status: 429, retryAfter: 0 });
    if (site.read) {
      await site.run(emu);
      assert.equal(counted(emu, site), 2);
    } else {
      const error = await failure(site.run(emu));
      assert.ok(
        error instanceof ApiError && error.status === 429,
        error.message,
      );
      assert.equal(counted(emu, site), 1);
    }
  });

  for (const status of [502, 503, 504]) {
    Deno.test(`fault matrix: ${site.name} on ${status} gives up with the status`, async () => {
      await using emu = await startEmulator();
      inject(emu, site, { kind: "status", status, times: 10 });
      const error = await failure(site.run(emu));
      assert.ok(error instanceof ApiError, error.message);
      assert.equal(error.status, status);
      assert.match(error.message, new RegExp(`answered ${status}`));
      assert.equal(counted(emu, site), site.read ? 3 : 1);
    });
  }

  Deno.test(`fault matrix: ${site.name} shows a short excerpt of an HTML 500`, async () => {
    await using emu = await startEmulator();
    inject(emu, site, { kind: "html", status: 500 });
    const error = await failure(site.run(emu));
    assert.ok(error instanceof ApiError && error.status === 500, error.message);
    assert.ok(error.message.length < 250, error.message);
    assert.doesNotMatch(error.message, /Lorem ipsum Lorem|server\.js/);
  });

  Deno.test(`fault matrix: ${site.name} names the endpoint of malformed JSON`, async () => {
    await using emu = await startEmulator();
    inject(emu, site, { kind: "malformed-json" });
    const error = await failure(site.run(emu));
    assert.ok(error instanceof ResponseFormatError, error.message);
    assert.match(
      error.message,
      new RegExp(`${site.path.replace(/\//g, "\\/")} is not JSON`),
    );
  });

  if (site.shaped) {
    Deno.test(`fault matrix: ${site.name} names the endpoint of JSON of the wrong shape`, async () => {
      await using emu = await startEmulator();
      inject(emu, site, { kind: "wrong-shape" });
      const error = await failure(site.run(emu));
      assert.ok(error instanceof ResponseFormatError, error.message);
      assert.match(error.message, new RegExp(site.path.replace(/\//g, "\\/")));
    });
  }

  Deno.test(`fault matrix: ${site.name} refuses a body over the size cap`, async () => {
    await using emu = await startEmulator();
    inject(emu, site, { kind: "oversize", bytes: 64 * 1024 * 1024 });
    const error = await failure(site.run(emu));
    assert.ok(error instanceof ResponseFormatError, error.message);
    assert.match(error.message, /larger than 10 MiB/);
  });
}

/** The longest a timed-out call may take: three attempts plus the 5 s margin. */
const MAX_ATTEMPTS_TIME = 3 * TIMEOUT_MS + 5_000;

/** The faults tried through the CLI and MCP, with what the message must say. */
const ENTRY_FAULTS: [Fault, RegExp][] = [
  [{ kind: "hang" }, /timed out after 800 ms$/],
  [{ kind: "reset", times: 3 }, /cannot reach "127\.0\.0\.1:\d+": /],
  [{ kind: "html", status: 500 }, /answered 500: 500 Internal Server Error$/],
  [{ kind: "malformed-json" }, /is not JSON$/],
  [{ kind: "status", status: 503, times: 3 }, /answered 503: Injected fault$/],
  [{ kind: "oversize" }, /larger than 10 MiB$/],
];

interface EntrySite {
  name: string;
  path: RegExp;
  method: string;
  step: RegExp;
}

/**
 * The API calls the CLI and the tools make: the route a fault is injected
 * on, and how the error names the step.
 */
const CALLS = {
  cleuraLogin: {
    path: /\/auth\/v[12]\/tokens$/,
    method: "POST",
    step: /^Cannot log in "alice"/,
  },
  domains: { path: /\/domains$/, method: "GET", step: /^Cannot list domains/ },
  projects: {
    path: /\/projects$/,
    method: "GET",
    step: /^Cannot list the projects/,
  },
  validate: {
    path: /\/validate$/,
    method: "POST",
    step: /^Cannot validate the token/,
  },
  revoke: {
    path: /\/auth\/v[12]\/tokens$/,
    method: "DELETE",
    step: /^Cannot revoke the token/,
  },
  itopiaLogin: {
    path: /\/accounts\/login\/$/,
    method: "POST",
    step: /^Cannot log in "admin@example\.com" to itopia/,
  },
  instances: {
    path: /\/cloudInstances$/,
    method: "GET",
    step: /^Cannot list the cloud instances of deployment 101/,
  },
} satisfies Record<string, Omit<EntrySite, "name">>;

const DOMAIN = "79b0cef45b504586ad0bf057dc4cb8b8";

const CLI_SITES: (EntrySite & { args: string[]; token?: boolean })[] = [
  {
    name: "cleura regions (login)",
    args: ["cleura", "regions"],
    ...CALLS.cleuraLogin,
  },
  { name: "cleura domains", args: ["cleura", "domains"], ...CALLS.domains },
  {
    name: "cleura projects",
    args: ["cleura", "projects", "--domain", DOMAIN],
    ...CALLS.projects,
  },
  {
    name: "cleura whoami",
    args: ["cleura", "whoami"],
    token: true,
    ...CALLS.validate,
  },
  {
    name: "cleura logout",
    args: ["cleura", "logout"],
    token: true,
    ...CALLS.revoke,
  },
  { name: "itopia login", args: ["itopia", "login"], ...CALLS.itopiaLogin },
  {
    name: "itopia instances",
    args: ["itopia", "instances", "--deployment-id", "101"],
    ...CALLS.instances,
  },
];

for (const site of CLI_SITES) {
  Deno.test(`fault matrix: the CLI's ${site.name} turns each fault into one error line and exit 1`, async () => {
    await using emu = await startEmulator();
    await using cache = await tempDir();
    for (const [fault, pattern] of ENTRY_FAULTS) {
      emu.clearFaults();
      emu.injectFault({ ...fault, path: site.path, method: site.method });
      const run = await runMain(
        [...site.args, "--no-cache", "--timeout", "0.8"],
        {
          CLEURA_API_URL: emu.cleuraUrl,
          CLEURA_API_USERNAME: "alice",
          ...(site.token
            ? { CLEURA_API_TOKEN: emu.issueCleuraToken("alice") }
            : { CLEURA_API_PASSWORD: "alice-password" }),
          ITOPIA_API_URL: emu.itopiaUrl,
          ITOPIA_USERNAME: "admin@example.com",
          ITOPIA_PASSWORD: "admin-password",
        },
        { cacheDir: cache.path },
      );
      assert.equal(run.code, 1, `${fault.kind}: ${run.stderr}`);
      assert.equal(run.errLines.length, 1, run.stderr);
      const message = run.errLines[0]!.replace(/^error: /, "");
      assert.match(message, site.step, fault.kind);
      assert.match(message, pattern, fault.kind);
      assert.deepEqual(run.outLines, []);
    }
  });
}

const MCP_SITES:
  (EntrySite & { tool: string; args: Record<string, unknown> })[] = [
    {
      name: "cleura_list_regions (login)",
      tool: "cleura_list_regions",
      args: {},
      ...CALLS.cleuraLogin,
    },
    {
      name: "cleura_list_domains",
      tool: "cleura_list_domains",
      args: {},
      ...CALLS.domains,
    },
    {
      name: "cleura_list_projects",
      tool: "cleura_list_projects",
      args: { domainId: DOMAIN },
      ...CALLS.projects,
    },
    {
      name: "cleura_token_status",
      tool: "cleura_token_status",
      args: {},
      ...CALLS.validate,
    },
    {
      name: "itopia_list_instances",
      tool: "itopia_list_instances",
      args: { deploymentId: 101 },
      ...CALLS.instances,
    },
  ];

for (const site of MCP_SITES) {
  Deno.test(`fault matrix: the MCP tool ${site.name} turns each fault into a tool error, then recovers`, async () => {
    await using emu = await startEmulator();
    await using t = await memoryClient(accountEnv(emu, "alice"), undefined, {
      timeoutMs: TIMEOUT_MS,
    });
    if (site.tool === "cleura_token_status") {
      await call(t.client, "cleura_list_domains");
    }
    for (const [fault, pattern] of ENTRY_FAULTS) {
      emu.clearFaults();
      emu.injectFault({ ...fault, path: site.path, method: site.method });
      const result = await call(t.client, site.tool, site.args);
      assert.equal(result.isError, true, fault.kind);
      assert.match(result.text, site.step, fault.kind);
      assert.match(result.text, pattern, fault.kind);
    }
    emu.clearFaults();
    const ok = await call(t.client, site.tool, site.args);
    assert.equal(ok.isError, false, ok.text);
  });
}
