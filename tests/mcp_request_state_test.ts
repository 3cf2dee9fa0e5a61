// The sealed requestState of the SMS question, driven by hand over HTTP with
// a 2026-07-28 client in manual mode: what the client holds, and what happens
// when it is altered, replayed, expired, or taken to another server instance.

import assert from "node:assert/strict";
import { cleuraEnv } from "./_helpers/accounts.ts";
import {
  Client,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { type Emulator, startEmulator } from "./_helpers/emulator.ts";
import type { HttpServer } from "../mcp/http.ts";
import { serveMcp, type ServeOptions } from "./_helpers/mcp.ts";
import { parseStateKey, StateCodec } from "../mcp/state.ts";
import { selectTools } from "../mcp/tool.ts";
import { TOOLS } from "../mcp/tools/mod.ts";

interface InputRequired {
  resultType?: string;
  inputRequests?: Record<
    string,
    { method: string; params: { message: string } }
  >;
  requestState?: string;
  content?: { text: string }[];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

/** bob's server over HTTP; `context` may set the state key or its lifetime. */
function serve(
  emu: Emulator,
  context: ServeOptions["context"] = {},
): Promise<HttpServer> {
  return serveMcp(cleuraEnv(emu, "bob"), { context });
}

/** A pinned 2026-07-28 client that hands `input_required` back to the test. */
async function manualClient(
  server: { url: string; token?: string | undefined },
) {
  const client = new Client({ name: "manual", version: "1" }, {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: { mode: { pin: "2026-07-28" } },
    inputRequired: { autoFulfill: false },
  });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${server.token}` } },
    }),
  );
  const callTool = async (
    extra: Record<string, unknown> = {},
  ): Promise<InputRequired> =>
    await client.callTool(
      { name: "cleura_list_regions", arguments: {}, ...extra },
      { allowInputRequired: true },
    ) as InputRequired;
  return {
    client,
    callTool,
    [Symbol.asyncDispose]: () => client.close(),
  };
}

function answer(code: number | undefined, state: string) {
  return {
    inputResponses: {
      code: { action: "accept", content: { code } },
    },
    requestState: state,
  };
}

Deno.test("the SMS question's requestState is sealed: the verification handle is not in it", async () => {
  await using emu = await startEmulator();
  await using http = await serve(emu);
  await using c = await manualClient(http);
  const first = await c.callTool();
  assert.equal(first.resultType, "input_required");
  assert.match(first.inputRequests!.code!.params.message, /SMS/);
  const state = first.requestState!;
  assert.ok(state.startsWith("s1."));
  const sent = emu.outbox.at(-1)!;
  const decoded = atob(
    state.slice(3).replaceAll("-", "+").replaceAll("_", "/"),
  );
  assert.ok(!decoded.includes(sent.verification), "no handle in clear");
  assert.ok(!state.includes(sent.verification));
  const done = await c.callTool(answer(emu.lastSmsCode("bob"), state));
  assert.equal(done.isError, undefined, JSON.stringify(done));
  assert.equal((done.structuredContent?.regions as unknown[]).length, 3);
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("a tampered, replayed or expired requestState is refused with a clear error, and the server goes on", async () => {
  await using emu = await startEmulator();
  await using http = await serve(emu, { stateTtlMs: 300 });
  await using c = await manualClient(http);
  const first = await c.callTool();
  const state = first.requestState!;
  const last = state.at(-2) === "A" ? "B" : "A";
  const tampered = state.slice(0, -2) + last + state.at(-1);
  await assert.rejects(
    c.callTool(answer(emu.lastSmsCode("bob"), tampered)),
    /Invalid or expired requestState/,
  );
  await assert.rejects(
    c.callTool(answer(emu.lastSmsCode("bob"), "not a state")),
    /Invalid or expired requestState/,
  );
  // The genuine state still works once, and only once.
  const wrong = await c.callTool(
    answer((emu.lastSmsCode("bob")! + 1) % 1_000_000, state),
  );
  assert.equal(wrong.resultType, "input_required", "a wrong code asks again");
  assert.match(wrong.inputRequests!.code!.params.message, /not accepted/);
  await assert.rejects(
    c.callTool(answer(emu.lastSmsCode("bob"), state)),
    /Invalid or expired requestState/,
    "a replayed state is refused",
  );
  await new Promise((r) => setTimeout(r, 400));
  await assert.rejects(
    c.callTool(answer(emu.lastSmsCode("bob"), wrong.requestState!)),
    /Invalid or expired requestState/,
    "an expired state is refused",
  );
  assert.equal(emu.counters.smsVerifications, 1);
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("a requestState sealed by one instance is accepted by another with the same CLOUDGATE_STATE_KEY", async () => {
  await using emu = await startEmulator();
  const key = parseStateKey(
    btoa(String.fromCharCode(...new Uint8Array(32).fill(7))),
  );
  await using a = await serve(emu, { stateKey: key });
  await using b = await serve(emu, { stateKey: key });
  await using other = await serve(emu);
  await using ca = await manualClient(a);
  await using cb = await manualClient(b);
  await using co = await manualClient(other);
  const first = await ca.callTool();
  await assert.rejects(
    co.callTool(answer(emu.lastSmsCode("bob"), first.requestState!)),
    /Invalid or expired requestState/,
    "another key cannot open it",
  );
  const done = await cb.callTool(
    answer(emu.lastSmsCode("bob"), first.requestState!),
  );
  assert.equal(done.isError, undefined, JSON.stringify(done));
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("a used SMS state replayed on another instance with the same key logs nobody in: the verification it holds is spent", async () => {
  await using emu = await startEmulator();
  const key = new Uint8Array(32).fill(5);
  await using a = await serve(emu, { stateKey: key });
  await using b = await serve(emu, { stateKey: key });
  await using ca = await manualClient(a);
  await using cb = await manualClient(b);
  const first = await ca.callTool();
  const code = emu.lastSmsCode("bob");
  const done = await ca.callTool(answer(code, first.requestState!));
  assert.equal(done.isError, undefined, JSON.stringify(done));
  assert.equal(emu.counters.cleuraLogins, 1);
  // B can open the state (it never saw it used), but Cleura refuses the spent
  // verification: B asks again at most, and no result comes of it.
  const replayed = await cb.callTool(answer(code, first.requestState!));
  assert.ok(
    replayed.resultType === "input_required" || replayed.isError === true,
    JSON.stringify(replayed),
  );
  assert.equal(replayed.structuredContent, undefined);
  assert.doesNotMatch(JSON.stringify(replayed), /sto2|regions/);
  assert.equal(emu.counters.cleuraLogins, 1, "no second token");
  assert.equal(emu.counters.smsSent, 1);
});

Deno.test("a requestState of another tool is refused as a tool error", async () => {
  await using emu = await startEmulator();
  await using http = await serve(emu);
  await using c = await manualClient(http);
  const first = await c.callTool();
  const other = await c.client.callTool(
    {
      name: "cleura_list_domains",
      arguments: {},
      ...answer(emu.lastSmsCode("bob"), first.requestState!),
    },
    { allowInputRequired: true },
  ) as InputRequired;
  assert.equal(other.isError, true);
  assert.match(other.content![0]!.text, /issued for another tool/);
});

Deno.test("StateCodec seals, opens once, and refuses what it did not seal", async () => {
  const codec = new StateCodec();
  const sealed = await codec.seal({ v: "secret-handle" });
  assert.ok(!sealed.includes("secret-handle"));
  assert.deepEqual(await codec.open(sealed), { v: "secret-handle" });
  await assert.rejects(codec.open(sealed), /already used/);
  await assert.rejects(new StateCodec().open(await codec.seal(1)), /altered/);
  assert.throws(() => parseStateKey("short"), /CLOUDGATE_STATE_KEY/);
  assert.equal(parseStateKey("ab".repeat(32)).length, 32);
});

Deno.test("tools/list of every tool (--writes too) stays under 700 bytes a tool, without $schema or safe-integer bounds", async () => {
  await using emu = await startEmulator();
  await using http = await serveMcp(cleuraEnv(emu, "bob"), {
    tools: selectTools(TOOLS, { allowWrite: true }),
  });
  await using c = await manualClient(http);
  const { tools } = await c.client.listTools();
  assert.equal(tools.length, TOOLS.length);
  const text = JSON.stringify(tools);
  assert.ok(!text.includes("$schema"));
  assert.ok(!text.includes(String(Number.MAX_SAFE_INTEGER)));
  assert.ok(
    text.length / tools.length < 700,
    `${text.length / tools.length} bytes a tool`,
  );
});
