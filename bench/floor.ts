// The floor for cold-start measurements (bench/cold_start.ts): a bare Deno
// script with no imports that reads the first JSON-RPC request on stdio,
// answers it with a fixed `initialize`-shaped result, and exits. Spawning it
// costs what any Deno stdio server pays before its own code runs. With
// `--stay` it then reads stdin to its end, as an idle server would (the floor
// of the idle-memory figure in bench/idle_rss.ts).
const decoder = new TextDecoder();
const reader = Deno.stdin.readable.getReader();
let buffer = "";
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  buffer += decoder.decode(value, { stream: true });
  const newline = buffer.indexOf("\n");
  if (newline < 0) continue;
  const request = JSON.parse(buffer.slice(0, newline));
  const answer = {
    jsonrpc: "2.0",
    id: request.id,
    result: {
      protocolVersion: "2025-11-25",
      capabilities: {},
      serverInfo: { name: "floor", version: "0" },
    },
  };
  await Deno.stdout.write(
    new TextEncoder().encode(`${JSON.stringify(answer)}\n`),
  );
  break;
}
if (Deno.args.includes("--stay")) {
  // Idle, reading stdin to its end.
  while (!(await reader.read()).done) {
    // nothing
  }
}
