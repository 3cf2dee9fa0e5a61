// The stdio server's wire: JSON-RPC hygiene (parse errors, oversized lines),
// both eras on one entry, and the process's end when stdin ends.

import assert from "node:assert/strict";
import { cleuraEnv } from "./_helpers/accounts.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { DenoStdioTransport, MAX_MESSAGE_BYTES } from "../mcp/stdio.ts";
import {
  cancelWhileAsked,
  ERAS,
  exchange,
  jsonLines,
  LISTED_TOOL_NAMES,
  OPENING,
  SERVER,
  spawnStdio,
  stdioClient,
  test,
  toolCall,
} from "./_helpers/mcp.ts";

function pipe() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const input = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
  });
  const written: Record<string, unknown>[] = [];
  const output = {
    write(bytes: Uint8Array) {
      for (const line of new TextDecoder().decode(bytes).split("\n")) {
        if (line) written.push(JSON.parse(line));
      }
      return Promise.resolve(bytes.length);
    },
  };
  return {
    input,
    output,
    written,
    raw: (bytes: Uint8Array) => controller.enqueue(bytes),
    send: (value: unknown) =>
      controller.enqueue(
        encoder.encode(
          `${typeof value === "string" ? value : JSON.stringify(value)}\n`,
        ),
      ),
    end: () => controller.close(),
  };
}

/** A started transport on a pipe, and the messages it delivers. */
async function startTransport() {
  const p = pipe();
  const transport = new DenoStdioTransport(p.input, p.output);
  const delivered: unknown[] = [];
  transport.onmessage = (m) => delivered.push(m);
  await transport.start();
  return { p, transport, delivered };
}

Deno.test("DenoStdioTransport answers a line that is not JSON with -32700 and goes on", async () => {
  const { p, transport, delivered } = await startTransport();
  p.send("{not json");
  p.send({ jsonrpc: "2.0", id: 2, method: "ping" });
  p.send('"just a string"');
  p.end();
  await transport.closed;
  assert.equal(delivered.length, 1);
  const [parse, invalid] = p.written as {
    id: unknown;
    error: { code: number; message: string };
  }[];
  assert.equal(parse!.id, null);
  assert.equal(parse!.error.code, -32700);
  assert.equal(invalid!.error.code, -32600);
});

Deno.test("DenoStdioTransport answers a line over the size limit with an error naming the limit", async () => {
  const { p, transport, delivered } = await startTransport();
  const chunk = new Uint8Array(1024 * 1024).fill(0x61);
  for (let sent = 0; sent <= MAX_MESSAGE_BYTES; sent += chunk.length) {
    p.raw(chunk);
  }
  p.raw(new TextEncoder().encode("\n"));
  p.send({ jsonrpc: "2.0", id: 3, method: "ping" });
  p.end();
  await transport.closed;
  assert.equal(p.written.length, 1);
  const error = (p.written[0] as { error: { code: number; message: string } })
    .error;
  assert.equal(error.code, -32600);
  assert.match(error.message, /10 MiB limit/);
  assert.equal(delivered.length, 1, "the next line is read as usual");
});

test("the stdio server answers garbage with -32700, then serves the 2025 opening", async () => {
  const { code, messages } = await exchange(
    SERVER,
    {},
    [
      "{oops" as unknown,
      ...OPENING,
    ].map((m) => m),
  );
  assert.equal(code, 0);
  assert.equal((messages[0]!.error as { code: number }).code, -32700);
  const list = messages.find((m) => m.id === 2)!;
  assert.equal(
    (list.result as { tools: unknown[] }).tools.length,
    LISTED_TOOL_NAMES.length,
  );
});

async function endsWithin(
  child: Deno.ChildProcess,
  ms: number,
): Promise<Deno.CommandStatus> {
  const started = Date.now();
  const status = await child.status;
  assert.ok(
    Date.now() - started < ms,
    `exited after ${Date.now() - started} ms`,
  );
  return status;
}

test("the stdio server exits 0 within 2 s when stdin ends while idle", async () => {
  const child = spawnStdio(SERVER, {});
  const writer = child.stdin.getWriter();
  await writer.write(jsonLines(OPENING));
  await new Promise((r) => setTimeout(r, 300));
  await writer.close();
  const status = await endsWithin(child, 2_000);
  assert.equal(status.code, 0);
  await child.stdout.cancel();
});

test("the stdio server exits 0 within 2 s when stdin ends while it waits for an SMS code", async () => {
  await using emu = await startEmulator();
  const child = spawnStdio(SERVER, cleuraEnv(emu, "bob"));
  const writer = child.stdin.getWriter();
  const [initialize, initialized] = OPENING;
  await writer.write(jsonLines([
    {
      ...initialize,
      params: {
        ...initialize!.params as Record<string, unknown>,
        capabilities: { elicitation: { form: {} } },
      },
    },
    initialized,
    toolCall(2, "cleura_list_regions"),
  ]));
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("elicitation/create")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  assert.match(seen, /elicitation\/create/, "the server asked for the code");
  assert.equal(emu.counters.smsSent, 1);
  await writer.close();
  const status = await endsWithin(child, 2_000);
  assert.equal(status.code, 0);
  await reader.cancel();
});

test("the stdio server exits 0 within 2 s when stdin ends after a cancelled call", async () => {
  await using emu = await startEmulator();
  emu.injectFault({ kind: "hang", path: "/openstack/domains" });
  const child = spawnStdio(SERVER, cleuraEnv(emu, "alice"));
  const writer = child.stdin.getWriter();
  await writer.write(
    jsonLines([...OPENING, toolCall(3, "cleura_list_regions")]),
  );
  await new Promise((r) => setTimeout(r, 500));
  await writer.write(jsonLines([{
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: 3, reason: "test" },
  }]));
  await writer.close();
  const status = await endsWithin(child, 2_000);
  assert.equal(status.code, 0);
  await child.stdout.cancel();
});

for (const era of ERAS) {
  test(`a call cancelled while the code is asked leaves nothing stuck: the next call asks afresh within 2 s (${era})`, async () => {
    await using emu = await startEmulator();
    const { second, askedAfterMs, asks } = await cancelWhileAsked(
      () => emu.lastSmsCode("bob")!,
      (elicit) =>
        stdioClient(
          cleuraEnv(emu, "bob"),
          elicit,
          { era },
        ),
    );
    assert.equal(second.isError, false, second.text);
    assert.ok(askedAfterMs < 2_000, `asked after ${askedAfterMs} ms`);
    assert.equal(emu.counters.smsSent, 1, "the same SMS is used again");
    assert.equal(asks, 2);
  });
}
