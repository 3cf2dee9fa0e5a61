// The HTTP server bound beyond loopback: a token long enough to guess at
// no rate, wrong tokens throttled per address with Retry-After, and a banner
// that says which address it really listens on.

import assert from "node:assert/strict";
import { childEnv, httpClient, serveMcp, SERVER } from "./_helpers/mcp.ts";

const TOKEN = "an-exposed-server-token-0123456789";

/** A POST to `/mcp` with `token`; the status and Retry-After. */
async function post(url: string, token: string) {
  const response = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  await response.body?.cancel();
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
  };
}

/** Past the token check (a bare ping then gets the SDK's own answer). */
function admitted(answer: { status: number }): boolean {
  return answer.status !== 401 && answer.status !== 429;
}

Deno.test("beyond loopback a CLOUDGATE_MCP_TOKEN under 32 characters is refused, without showing it", async () => {
  for (const token of ["x", "0123456789abcdef0123456789abcde"]) {
    await assert.rejects(
      serveMcp({}, { hostname: "127.0.0.2", token }),
      (error: Error) => {
        assert.match(
          error.message,
          /^CLOUDGATE_MCP_TOKEN is too short to serve on "127\.0\.0\.2": beyond loopback it must be at least 32 random characters/,
        );
        assert.ok(!error.message.includes(token));
        return true;
      },
    );
  }
  // On loopback the owner's choice stands.
  await using local = await serveMcp({}, { token: "short" });
  assert.ok(admitted(await post(local.url, "short")));
});

Deno.test("beyond loopback an address that sent 3 wrong tokens gets 429 with Retry-After, even with the right one, until its window ends", async () => {
  await using http = await serveMcp({}, {
    hostname: "127.0.0.2",
    token: TOKEN,
    throttle: { failures: 3, windowMs: 1_500 },
  });
  for (let i = 0; i < 3; i++) {
    assert.equal((await post(http.url, `wrong-${i}`)).status, 401);
  }
  const blocked = await post(http.url, "wrong-again");
  assert.equal(blocked.status, 429);
  const wait = Number(blocked.retryAfter);
  assert.ok(wait >= 1 && wait <= 2, `Retry-After ${blocked.retryAfter}`);
  assert.equal(
    (await post(http.url, TOKEN)).status,
    429,
    "no token is checked while blocked: no oracle",
  );
  await new Promise((r) => setTimeout(r, 1_600));
  assert.ok(admitted(await post(http.url, TOKEN)));
  await using t = await httpClient(http, undefined, { token: TOKEN });
  assert.ok((await t.client.listTools()).tools.length > 0);
});

Deno.test("on loopback wrong tokens are not throttled (every client there shares one address)", async () => {
  await using http = await serveMcp({}, {
    throttle: { failures: 2, windowMs: 60_000 },
  });
  for (let i = 0; i < 5; i++) {
    assert.equal((await post(http.url, `wrong-${i}`)).status, 401);
  }
  assert.ok(admitted(await post(http.url, http.token!)));
});

Deno.test("mcp --http --host 0.0.0.0 says it listens on every address, and where this machine's clients connect", async () => {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=0.0.0.0,127.0.0.1",
      "--allow-env",
      SERVER,
      "--http",
      "--host",
      "0.0.0.0",
      "--port",
      "0",
    ],
    env: childEnv({ CLOUDGATE_MCP_TOKEN: TOKEN }),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = server.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  let seen = "";
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  server.kill("SIGTERM");
  await reader.cancel();
  await server.status;
  assert.match(
    seen.split("\n")[0]!,
    /^cloudgate MCP server listening on 0\.0\.0\.0:\d+ \(every address of this machine\); on this machine: http:\/\/127\.0\.0\.1:\d+\/mcp$/,
  );
  assert.ok(!seen.includes(TOKEN));
});
