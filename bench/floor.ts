// The floor for cold-start measurements (bench/cold_start.ts): a bare Deno
// script with no imports that reads the first JSON-RPC request on stdio,
// answers it with a fixed `initialize`-shaped result, and exits. Spawning it
// costs what any Deno stdio server pays before its own code runs. With
// `--stay` it then reads stdin to its end, as an idle server would (the floor
// of the idle-memory figure in bench/mcp_bench.ts).
const decoder = new TextDecoder();
let buffer = "";
for await (const chunk of Deno.stdin.readable) {
  buffer += decoder.decode(chunk, { stream: true });
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
  // Idle until stdin ends or the process is killed.
  await new Promise(() => {});
}
