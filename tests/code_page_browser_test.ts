// The SMS code page in a real browser (Debian's chromium, headless), as a user
// of an MCP client that cannot elicit meets it.
import assert from "node:assert/strict";
import { cleuraEnv } from "./_helpers/accounts.ts";
import { call, setUp, test } from "./_helpers/mcp.ts";
import { TOOLS_CONFIG } from "./_helpers/tools.ts";

const DRIVER = new URL("./_helpers/browser.ts", import.meta.url).pathname;

test("the code page in chromium: a wrong code is refused on the page, the right one logs in, the retry succeeds", async () => {
  await using t = await setUp((emu) => cleuraEnv(emu, "bob"), {
    transport: "http",
    era: "legacy",
  });
  const first = await call(t.client, "cleura_list_regions");
  const url = /http:\/\/127\.0\.0\.1:\d+\/sms\/[0-9a-f-]{36}/.exec(
    first.text,
  )?.[0];
  assert.ok(url, first.text);
  const code = t.emu.lastSmsCode("bob")!;
  const six = (n: number) => String(n % 1_000_000).padStart(6, "0");
  const { code: exit, stdout, stderr } = await new Deno.Command(
    Deno.execPath(),
    {
      args: [
        "run",
        "-A",
        "--config",
        TOOLS_CONFIG,
        DRIVER,
        url,
        six(code + 1),
        six(code),
      ],
      env: Deno.env.toObject(),
      stdout: "piped",
      stderr: "piped",
    },
  ).output();
  assert.equal(exit, 0, new TextDecoder().decode(stderr));
  const seen = JSON.parse(new TextDecoder().decode(stdout)) as {
    autocomplete: string;
    answers: string[];
    foreign: string[];
  };
  assert.equal(seen.autocomplete, "one-time-code");
  assert.match(seen.answers[0]!, /not accepted/);
  assert.match(seen.answers[1]!, /Code accepted/);
  assert.deepEqual(seen.foreign, [], "nothing but the page itself loads");
  const retry = await call(t.client, "cleura_list_regions");
  assert.equal(retry.isError, false, retry.text);
  assert.equal(t.emu.counters.smsSent, 1);
  assert.equal(t.emu.counters.smsVerifications, 2);
});
