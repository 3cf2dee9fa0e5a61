// The HTTP server as its owner starts it: a token made at start, printed once
// and written to a file only the owner can read; another local user (another
// HOME, no token) cannot reach the tools.

import assert from "node:assert/strict";
import { childEnv, closedPort, postMcp, SERVER } from "./_helpers/mcp.ts";

async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
): Promise<string> {
  let seen = "";
  while (!pattern.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  return seen;
}

/** Starts `mcp/server.ts --http --port 0` with `env`; stderr is read as text. */
function startServer(env: Record<string, string>, allow: string[] = []) {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-env",
      ...allow,
      SERVER,
      "--http",
      "--port",
      "0",
    ],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = server.stderr.pipeThrough(new TextDecoderStream())
    .getReader();
  return { server, reader };
}

/**
 * The server over HTTP with no token of its own, its files under `home`
 * (`~/.config/cloudgate`), permitted to read and write only there.
 */
function startInHome(home: string) {
  const env = childEnv({
    HOME: home,
    ITOPIA_API_KEY: "k",
    ITOPIA_ORGANIZATION_ID: "42",
  });
  delete env.XDG_RUNTIME_DIR;
  delete env.XDG_CONFIG_HOME;
  delete env.CLOUDGATE_MCP_TOKEN;
  return startServer(env, [`--allow-read=${home}`, `--allow-write=${home}`]);
}

Deno.test("mcp --http makes a token, writes it with the URL to a 0600 file, and refuses another user without it", async () => {
  const ownerHome = await Deno.makeTempDir();
  const otherHome = await Deno.makeTempDir();
  const { server, reader } = startInHome(ownerHome);
  try {
    const log = await readUntil(reader, /written to (\S+) \(mode 0600\)/);
    const url = /listening on (\S+)/.exec(log)![1]!;
    const printed = /bearer token \(made at start\): (\S+)/.exec(log)![1]!;
    const file = /written to (\S+) \(mode 0600\)/.exec(log)![1]!;
    assert.ok(file.startsWith(`${ownerHome}/.config/cloudgate/mcp-http-`));
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.equal(
      (await Deno.stat(`${ownerHome}/.config/cloudgate`)).mode! & 0o777,
      0o700,
    );
    assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), {
      url,
      token: printed,
      pid: server.pid,
    });
    assert.equal(log.split(printed).length - 1, 1, "the token is printed once");

    // Another user: its own HOME has no token file, and without the token
    // every tool call is refused.
    const other = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const r = await fetch(${JSON.stringify(url)}, { method: "POST",
           headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
           body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call",
             params: { name: "itopia_mint_jwt", arguments: {} } }) });
         console.log(r.status, r.headers.get("www-authenticate"));`,
      ],
      env: childEnv({ HOME: otherHome }),
      clearEnv: true,
    }).output();
    assert.equal(
      new TextDecoder().decode(other.stdout).trim(),
      'Bearer realm="cloudgate"'.replace(/^/, "401 "),
    );

    // The owner, with the token from the file, gets the tools.
    const owned = await postMcp(url, `Bearer ${printed}`);
    assert.equal(owned.status, 200);
    await owned.body?.cancel();
    server.kill("SIGTERM");
    assert.equal((await server.status).code, 0);
    await assert.rejects(
      Deno.stat(file),
      Deno.errors.NotFound,
      "removed at exit",
    );
  } finally {
    try {
      server.kill("SIGKILL");
    } catch {
      // already gone
    }
    await reader.cancel().catch(() => {});
    await Deno.remove(ownerHome, { recursive: true });
    await Deno.remove(otherHome, { recursive: true });
  }
});

Deno.test("mcp --http with CLOUDGATE_MCP_TOKEN uses it and prints no token", async () => {
  const home = await Deno.makeTempDir();
  const { server, reader } = startServer(
    childEnv({ HOME: home, CLOUDGATE_MCP_TOKEN: "chosen-token-0123456789" }),
  );
  try {
    const log = await readUntil(reader, /listening on \S+/);
    const url = /listening on (\S+)/.exec(log)![1]!;
    assert.doesNotMatch(log, /chosen-token|bearer token/);
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: "Bearer chosen-token-0123456789",
        "content-type": "application/json",
      },
      body: "{}",
    });
    assert.notEqual(response.status, 401);
    await response.body?.cancel();
  } finally {
    server.kill("SIGTERM");
    await server.status;
    await reader.cancel().catch(() => {});
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("mcp --http removes its token file on SIGHUP (a closed terminal), and a new server removes the files of dead servers", async () => {
  const home = await Deno.makeTempDir();
  const dir = `${home}/.config/cloudgate`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const stale = `${dir}/mcp-http-1.json`;
  const live = `${dir}/mcp-http-2.json`;
  const old = `${dir}/mcp-http-3.json`;
  // Nothing listens on a closed port; this test's listener does; a file
  // naming no loopback URL cannot be judged.
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const at = (port: number) => `http://127.0.0.1:${port}/mcp`;
  const write = (path: string, url: string) =>
    Deno.writeTextFile(path, JSON.stringify({ url, token: "t", pid: 1 }));
  await write(stale, at(closedPort()));
  await write(live, at(listener.addr.port));
  await write(old, "http://192.0.2.1:1/mcp");
  const { server, reader } = startInHome(home);
  try {
    const log = await readUntil(reader, /written to (\S+) \(mode 0600\)/);
    const file = /written to (\S+) \(mode 0600\)/.exec(log)![1]!;
    await assert.rejects(Deno.stat(stale), Deno.errors.NotFound);
    await Deno.stat(live);
    await Deno.stat(old);
    server.kill("SIGHUP");
    assert.equal((await server.status).code, 0);
    await assert.rejects(
      Deno.stat(file),
      Deno.errors.NotFound,
      "removed on SIGHUP",
    );
  } finally {
    try {
      server.kill("SIGKILL");
    } catch {
      // already gone
    }
    await reader.cancel().catch(() => {});
    await Deno.remove(home, { recursive: true });
  }
});

/** The token-file reader of docs/mcp.md, for the server on `port`. */
async function docsReader(port: string): Promise<string> {
  const page = await Deno.readTextFile(
    new URL("../docs/mcp.md", import.meta.url),
  );
  const snippet = /<!-- token-file-reader -->\s*```sh\n([\s\S]*?)```/.exec(
    page,
  )![1]!;
  return snippet.replaceAll("8787", port);
}

Deno.test("the docs' token-file reader takes the token of a running server, and treats the file of a crashed one (a dead pid) as absent", async () => {
  const home = await Deno.makeTempDir();
  const { server, reader } = startInHome(home);
  const read = async (port: string) => {
    const out = await new Deno.Command("sh", {
      args: ["-c", `${await docsReader(port)}\nprintf %s "$TOKEN"`],
      env: { HOME: home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
      clearEnv: true,
    }).output();
    return {
      token: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  try {
    const log = await readUntil(reader, /written to (\S+) \(mode 0600\)/);
    const printed = /bearer token \(made at start\): (\S+)/.exec(log)![1]!;
    const file = /written to (\S+) \(mode 0600\)/.exec(log)![1]!;
    const port = /mcp-http-(\d+)\.json$/.exec(file)![1]!;
    assert.equal((await read(port)).token, printed);
    server.kill("SIGKILL"); // a crash: the file stays behind
    await server.status;
    await Deno.stat(file);
    const after = await read(port);
    assert.equal(after.token, "");
    assert.match(after.stderr, /no cloudgate MCP server runs on port/);
  } finally {
    try {
      server.kill("SIGKILL");
    } catch {
      // already gone
    }
    await reader.cancel().catch(() => {});
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("mcp --http stopped by SIGHUP the moment its banner appears exits 0 and leaves no token file", async () => {
  const home = await Deno.makeTempDir();
  const { server, reader } = startInHome(home);
  try {
    await readUntil(reader, /listening on/);
    server.kill("SIGHUP");
    assert.equal((await server.status).code, 0);
    const left: string[] = [];
    try {
      for await (const e of Deno.readDir(`${home}/.config/cloudgate`)) {
        left.push(e.name);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    assert.deepEqual(left, []);
  } finally {
    try {
      server.kill("SIGKILL");
    } catch {
      // already gone
    }
    await reader.cancel().catch(() => {});
    await Deno.remove(home, { recursive: true });
  }
});
