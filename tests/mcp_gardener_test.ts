// The Kubernetes cluster tools of the MCP server against the emulator: list
// and show by default, hibernate and wake only with --writes and each
// confirmed by the user (in every protocol era), --toolsets, and no
// kubeconfig ever in a result.

import assert from "node:assert/strict";
import {
  Client,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { cleuraEnv } from "./_helpers/accounts.ts";
import {
  call,
  childEnv,
  type ElicitParams,
  ERAS,
  httpClient,
  serveMcp,
  SERVER,
  setUp,
  test,
} from "./_helpers/mcp.ts";
import {
  type Emulator,
  readShoot,
  startEmulator,
} from "./_helpers/emulator.ts";
import { selectTools } from "../mcp/tool.ts";
import { TOOLS } from "../mcp/tools/mod.ts";

const PROJECT = "79b0cef4p1";
const WHERE = { region: "sto2", projectId: PROJECT };
const CLUSTER_TOOLS = ["cleura_list_shoots", "cleura_get_shoot"];
const WRITE_TOOLS = ["cleura_hibernate_shoot", "cleura_wake_shoot"];

/** The tools `mcp/server.ts ARGS` lists over stdio. */
async function listedOverStdio(args: string[], env: Record<string, string>) {
  const client = new Client({ name: "cloudgate-test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: Deno.execPath(),
      args: ["run", "--allow-net=127.0.0.1", "--allow-env", SERVER, ...args],
      env: childEnv(env),
      stderr: "ignore",
    }),
  );
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
  }
}

Deno.test("--allow-write after the script is refused, naming --writes (before it, Deno would take it and hide the write tools)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", SERVER, "--allow-write"],
    env: childEnv({}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.equal(
    new TextDecoder().decode(out.stderr).trim(),
    "error: --allow-write is Deno's permission flag, not the server's: use --writes to list the tools that change something (see --help)",
  );
  assert.equal(out.stdout.length, 0);
});

function hibernated(emu: Emulator, name: string) {
  return emu.shoot(name)?.status?.hibernated;
}

Deno.test("a default server lists and runs cleura_list_shoots and cleura_get_shoot, but no hibernate or wake", async () => {
  await using t = await setUp((emu) => cleuraEnv(emu, "alice"));
  const names = (await t.client.listTools()).tools.map((tool) => tool.name);
  for (const name of CLUSTER_TOOLS) assert.ok(names.includes(name), name);
  for (const name of WRITE_TOOLS) assert.ok(!names.includes(name), name);
  const list = await call(t.client, "cleura_list_shoots", WHERE);
  assert.equal(list.isError, false, list.text);
  const shoots = list.structured?.shoots as {
    name: string;
    hibernated: boolean;
  }[];
  assert.deepEqual(shoots.map((s) => [s.name, s.hibernated]), [
    ["prod-cluster", false],
    ["dev-cluster", true],
  ]);
  const get = await call(t.client, "cleura_get_shoot", {
    name: "prod-cluster",
    ...WHERE,
  });
  assert.equal(get.isError, false, get.text);
  assert.deepEqual(get.structured?.shoot, readShoot(t.emu, "prod-cluster"));
  const missing = await call(t.client, "cleura_get_shoot", {
    name: "nope",
    ...WHERE,
  });
  assert.equal(missing.isError, true);
  assert.match(
    missing.text,
    /^Cannot get Kubernetes cluster "nope": there is no such cluster/,
  );
  await assert.rejects(
    t.client.callTool({
      name: "cleura_hibernate_shoot",
      arguments: { name: "prod-cluster", ...WHERE },
    }),
    /cleura_hibernate_shoot/,
  );
  assert.equal(hibernated(t.emu, "prod-cluster"), false);
  assert.equal(t.emu.counters.shootHibernations, 0);
});

Deno.test("the cluster tools take the region and project from CLEURA_REGION and CLEURA_PROJECT_ID, and say when none is set", async () => {
  await using t = await setUp((emu) =>
    cleuraEnv(emu, "alice", {
      CLEURA_REGION: "sto2",
      CLEURA_PROJECT_ID: PROJECT,
    })
  );
  const list = await call(t.client, "cleura_list_shoots");
  assert.equal(list.isError, false, list.text);
  assert.deepEqual(list.structured?.region, "sto2");
  assert.equal((list.structured?.shoots as unknown[]).length, 2);
  const get = await call(t.client, "cleura_get_shoot", { name: "dev-cluster" });
  assert.equal(get.isError, false, get.text);
  assert.equal(
    (get.structured?.summary as { hibernated: boolean }).hibernated,
    true,
  );
  await using bare = await setUp((emu) => cleuraEnv(emu, "alice"));
  const none = await call(bare.client, "cleura_list_shoots");
  assert.equal(none.isError, true);
  assert.match(none.text, /^No region: pass region/);
  assert.equal(bare.emu.counters.requests, 0);
});

Deno.test("no tool result holds a kubeconfig, and cleura_get_shoot's description says how to get one", async () => {
  await using t = await setUp((emu) => cleuraEnv(emu, "alice"));
  const { tools } = await t.client.listTools();
  const get = tools.find((tool) => tool.name === "cleura_get_shoot")!;
  assert.match(
    get.description!,
    /cloudgate cleura shoot kubeconfig NAME -f FILE/,
  );
  assert.ok(!tools.some((tool) => /kubeconfig/.test(tool.name)));
  for (const name of ["prod-cluster", "dev-cluster"]) {
    const result = await call(t.client, "cleura_get_shoot", { name, ...WHERE });
    assert.equal(result.isError, false, result.text);
    const text = `${result.text}${JSON.stringify(result.structured)}`;
    assert.doesNotMatch(
      text,
      /apiVersion: v1|kind: Config|certificate-authority-data/,
    );
  }
  assert.equal(t.emu.counters.kubeconfigsIssued, 0);
});

test("--toolsets gardener lists only the cluster tools; --toolsets itopia,cleura lists none of them", async () => {
  await using emu = await startEmulator();
  const env = cleuraEnv(emu, "alice");
  const gardener = await listedOverStdio(["--toolsets", "gardener"], env);
  assert.deepEqual(gardener.map((tool) => tool.name), CLUSTER_TOOLS);
  const others = await listedOverStdio(["--toolsets", "itopia,cleura"], env);
  assert.ok(others.length > 0);
  assert.ok(!others.some((tool) => /shoot/.test(tool.name)));
});

const BAD_STARTS: [string[], string][] = [
  [
    ["--toolsets", "bogus"],
    'error: --toolsets takes a comma-separated list of cleura, itopia, gardener, got "bogus"',
  ],
  [
    ["stdio"],
    'error: Unexpected argument "stdio": the server takes none (see --help)',
  ],
];
for (const [args, expected] of BAD_STARTS) {
  test(`the server started with ${args.join(" ")} exits 2 in one line`, async () => {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", "--allow-env", SERVER, ...args],
      env: childEnv({}),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stderr).trimEnd();
    assert.equal(code, 2, text);
    assert.equal(text, expected);
    assert.equal(stdout.length, 0);
  });
}

test("--writes lists cleura_hibernate_shoot and cleura_wake_shoot as destructive", async () => {
  await using emu = await startEmulator();
  const tools = await listedOverStdio([
    "--writes",
    "--toolsets",
    "gardener",
  ], cleuraEnv(emu, "alice"));
  assert.deepEqual(tools.map((tool) => tool.name), [
    ...CLUSTER_TOOLS,
    ...WRITE_TOOLS,
  ]);
  for (const tool of tools.filter((t) => WRITE_TOOLS.includes(t.name))) {
    assert.equal(tool.annotations?.readOnlyHint, false, tool.name);
    assert.equal(tool.annotations?.destructiveHint, true, tool.name);
    assert.match(tool.description!, /Asks the user to confirm/);
  }
  for (const tool of tools.filter((t) => CLUSTER_TOOLS.includes(t.name))) {
    assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
  }
});

/** An emulator, and a server with every tool over HTTP, as `login`. */
async function writeServer(login = "alice") {
  const emu = await startEmulator();
  const http = await serveMcp(cleuraEnv(emu, login), {
    tools: selectTools(TOOLS, { allowWrite: true }),
  });
  return {
    emu,
    http,
    async [Symbol.asyncDispose]() {
      await http.close();
      await emu.close();
    },
  };
}

const HIBERNATE_PROD = { name: "prod-cluster", ...WHERE };

for (const era of ERAS) {
  Deno.test(`cleura_hibernate_shoot asks the user, naming the cluster, project and region; yes hibernates (${era})`, async () => {
    await using s = await writeServer();
    await using c = await httpClient(
      s.http,
      () => Promise.resolve({ action: "accept", content: { confirm: true } }),
      { era },
    );
    const result = await call(
      c.client,
      "cleura_hibernate_shoot",
      HIBERNATE_PROD,
    );
    assert.equal(result.isError, false, result.text);
    assert.deepEqual(result.structured, { ...HIBERNATE_PROD, accepted: true });
    assert.equal(c.elicitations.length, 1);
    assert.equal(
      c.elicitations[0]!.message,
      'Hibernate Kubernetes cluster "prod-cluster" in project "79b0cef4p1", region sto2?',
    );
    assert.equal(hibernated(s.emu, "prod-cluster"), true);
    assert.equal(s.emu.counters.shootHibernations, 1);
    const wake = await call(c.client, "cleura_wake_shoot", {
      name: "dev-cluster",
      ...WHERE,
    });
    assert.equal(wake.isError, false, wake.text);
    assert.match(
      c.elicitations[1]!.message,
      /^Wake up Kubernetes cluster "dev-cluster"/,
    );
    assert.equal(hibernated(s.emu, "dev-cluster"), false);
  });

  for (
    const [what, answer, reason] of [
      ["declines", { action: "decline" }, "declined"],
      [
        "accepts unchecked",
        { action: "accept", content: { confirm: false } },
        "unchecked",
      ],
      ["cancels", { action: "cancel" }, "cancelled"],
    ] as const
  ) {
    Deno.test(`cleura_hibernate_shoot changes nothing when the user ${what} (${era})`, async () => {
      await using s = await writeServer();
      await using c = await httpClient(s.http, () => Promise.resolve(answer), {
        era,
      });
      const result = await call(
        c.client,
        "cleura_hibernate_shoot",
        HIBERNATE_PROD,
      );
      assert.equal(result.isError, true);
      assert.equal(
        result.text,
        `The user did not confirm (${reason}): cluster "prod-cluster" was not hibernated`,
      );
      assert.equal(hibernated(s.emu, "prod-cluster"), false);
      assert.equal(s.emu.counters.shootHibernations, 0);
    });
  }

  Deno.test(`cleura_hibernate_shoot refuses on a client that cannot ask the user to confirm (${era})`, async () => {
    await using s = await writeServer();
    await using c = await httpClient(s.http, undefined, { era });
    const result = await call(
      c.client,
      "cleura_hibernate_shoot",
      HIBERNATE_PROD,
    );
    assert.equal(result.isError, true);
    assert.match(
      result.text,
      /cannot ask the user to confirm .*nothing was changed; the user can run: cloudgate cleura shoot hibernate prod-cluster$/,
    );
    assert.equal(hibernated(s.emu, "prod-cluster"), false);
    assert.equal(s.emu.counters.requests, 0);
  });

  Deno.test(`cleura_hibernate_shoot for bob asks for the SMS code, then to confirm the cluster as it is: one SMS, hibernated (${era})`, async () => {
    await using s = await writeServer("bob");
    await using c = await httpClient(
      s.http,
      (request: ElicitParams) =>
        Promise.resolve(
          /SMS/.test(request.message)
            ? { action: "accept", content: { code: s.emu.lastSmsCode("bob")! } }
            : { action: "accept", content: { confirm: true } },
        ),
      { era },
    );
    const result = await call(
      c.client,
      "cleura_hibernate_shoot",
      HIBERNATE_PROD,
    );
    assert.equal(result.isError, false, result.text);
    assert.deepEqual(c.elicitations.map((e) => /SMS/.test(e.message)), [
      true,
      false,
    ]);
    assert.match(
      c.elicitations[1]!.message,
      /^Hibernate Kubernetes cluster "prod-cluster"/,
    );
    assert.equal(hibernated(s.emu, "prod-cluster"), true);
    assert.equal(s.emu.counters.smsSent, 1);
    assert.equal(s.emu.counters.shootHibernations, 1);
  });
}

interface Answer {
  resultType?: string;
  inputRequests?: Record<string, { params: { message: string } }>;
  requestState?: string;
  isError?: boolean;
  content?: { text: string }[];
}

/** A pinned 2026-07-28 client that hands `input_required` back to the test. */
async function manualClient(http: { url: string; token?: string | undefined }) {
  const client = new Client({ name: "manual", version: "1" }, {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: { mode: { pin: "2026-07-28" } },
    inputRequired: { autoFulfill: false },
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${http.token}` } },
    }),
  );
  const change = (tool: string) => async (name: string, extra = {}) =>
    await client.callTool(
      { name: tool, arguments: { name, ...WHERE }, ...extra },
      { allowInputRequired: true },
    ) as Answer;
  return {
    hibernate: change("cleura_hibernate_shoot"),
    wake: change("cleura_wake_shoot"),
    [Symbol.asyncDispose]: () => client.close(),
  };
}

const YES = { confirm: { action: "accept", content: { confirm: true } } };

Deno.test("a confirmation of prod-cluster replayed for dev-cluster asks again instead of acting (2026-07-28)", async () => {
  await using s = await writeServer();
  await using c = await manualClient(s.http);
  const first = await c.hibernate("prod-cluster");
  assert.equal(first.resultType, "input_required");
  assert.match(first.inputRequests!.confirm!.params.message, /"prod-cluster"/);
  const replayed = await c.hibernate("dev-cluster", {
    inputResponses: YES,
    requestState: first.requestState,
  });
  assert.equal(replayed.resultType, "input_required", JSON.stringify(replayed));
  assert.match(
    replayed.inputRequests!.confirm!.params.message,
    /"dev-cluster"/,
  );
  assert.equal(s.emu.counters.shootHibernations, 0);
  // Answered for what it names, it acts.
  const done = await c.hibernate("dev-cluster", {
    inputResponses: YES,
    requestState: replayed.requestState,
  });
  assert.equal(done.isError, undefined, JSON.stringify(done));
  assert.equal(s.emu.counters.shootHibernations, 1);
  assert.equal(hibernated(s.emu, "prod-cluster"), false);
});

Deno.test("bob's SMS state answered for dev-cluster asks to confirm dev-cluster; the confirmation of prod-cluster is not taken for it (2026-07-28)", async () => {
  await using s = await writeServer("bob");
  await using c = await manualClient(s.http);
  const sms = await c.hibernate("prod-cluster");
  assert.equal(sms.resultType, "input_required", JSON.stringify(sms));
  assert.match(sms.inputRequests!.code!.params.message, /SMS/);
  const code = {
    code: { action: "accept", content: { code: s.emu.lastSmsCode("bob") } },
  };
  const replayed = await c.hibernate("dev-cluster", {
    inputResponses: code,
    requestState: sms.requestState,
  });
  assert.equal(replayed.resultType, "input_required", JSON.stringify(replayed));
  assert.match(
    replayed.inputRequests!.confirm!.params.message,
    /"dev-cluster"/,
  );
  assert.equal(s.emu.counters.shootHibernations, 0);
  assert.equal(hibernated(s.emu, "prod-cluster"), false);
});

Deno.test("a used hibernate confirmation replayed on another instance after the cluster was woken asks again instead of hibernating (shared CLOUDGATE_STATE_KEY)", async () => {
  const emu = await startEmulator();
  const stateKey = new Uint8Array(32).fill(9);
  const tools = selectTools(TOOLS, { allowWrite: true });
  await using a = await serveMcp(cleuraEnv(emu, "alice"), {
    tools,
    context: { stateKey },
  });
  await using b = await serveMcp(cleuraEnv(emu, "alice"), {
    tools,
    context: { stateKey },
  });
  await using _emu = emu;
  await using ca = await manualClient(a);
  await using cb = await manualClient(b);
  const asked = await ca.hibernate("prod-cluster");
  assert.equal(asked.resultType, "input_required", JSON.stringify(asked));
  const confirmation = {
    inputResponses: YES,
    requestState: asked.requestState,
  };
  const done = await ca.hibernate("prod-cluster", confirmation);
  assert.equal(done.isError, undefined, JSON.stringify(done));
  assert.equal(hibernated(emu, "prod-cluster"), true);
  // The user wakes it, confirmed on B.
  const wake = await cb.wake("prod-cluster");
  const woken = await cb.wake("prod-cluster", {
    inputResponses: YES,
    requestState: wake.requestState,
  });
  assert.equal(woken.isError, undefined, JSON.stringify(woken));
  assert.equal(hibernated(emu, "prod-cluster"), false);
  await assert.rejects(
    ca.hibernate("prod-cluster", confirmation),
    /Invalid or expired requestState/,
    "the instance that issued it knows it was used",
  );
  const replayedOnB = await cb.hibernate("prod-cluster", confirmation);
  assert.equal(
    replayedOnB.resultType,
    "input_required",
    `B must ask again, not act: ${JSON.stringify(replayedOnB)}`,
  );
  assert.match(
    replayedOnB.inputRequests!.confirm!.params.message,
    /"prod-cluster"/,
  );
  assert.equal(emu.counters.shootHibernations, 1);
  assert.equal(hibernated(emu, "prod-cluster"), false);
});
