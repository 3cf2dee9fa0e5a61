// The floor for cold-start measurements: a bare Deno script that answers one
// JSON-RPC `initialize` on stdio and nothing else.
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
