import assert from "node:assert/strict";

Deno.test("deno task demo runs the whole story with no input", async () => {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (/^(CLEURA|ITOPIA)_/.test(name)) delete env[name];
  }
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      new URL("../demo.ts", import.meta.url).pathname,
    ],
    env: { ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.match(text, /\$ cloudgate cleura login/);
  assert.match(text, /Sto2 +Stockholm \/ Sweden/);
  assert.match(text, /"aud": "Itopia"/);
  assert.match(text, /vm-101-0005/);
  assert.match(text, /Cleura logins: 1, SMS sent: 1/);
});
