// Calls that arrive together share one SMS question, even when the user takes
// a while to answer (a regression: each call used to take the gate before the
// others could see it, and every one asked).

import assert from "node:assert/strict";
import { startEmulator } from "./_helpers/emulator.ts";
import { cleuraEnv } from "./_helpers/accounts.ts";
import {
  call,
  type Elicit,
  ERAS,
  httpClient,
  memoryClient,
  serveMcp,
  type TestClient,
} from "./_helpers/mcp.ts";

async function twentyAtOnce(
  connect: (elicit: Elicit) => Promise<TestClient>,
  code: () => number,
): Promise<{ errors: number; asked: number }> {
  let asked = 0;
  await using t = await connect(async () => {
    asked++;
    await new Promise((r) => setTimeout(r, 100)); // the user reads the SMS
    return { action: "accept", content: { code: code() } };
  });
  const results = await Promise.all(
    Array.from({ length: 20 }, () => call(t.client, "cleura_list_regions")),
  );
  return { errors: results.filter((r) => r.isError).length, asked };
}

Deno.test("in process (2025): 20 calls at once, a slow answer: one SMS, one question, one login", async () => {
  await using emu = await startEmulator();
  const { errors, asked } = await twentyAtOnce(
    (elicit) => memoryClient(cleuraEnv(emu, "bob"), elicit),
    () => emu.lastSmsCode("bob")!,
  );
  assert.equal(errors, 0);
  assert.equal(asked, 1);
  assert.equal(emu.counters.smsSent, 1);
  assert.equal(emu.counters.cleuraLogins, 1);
});

for (const era of ERAS) {
  Deno.test(`over HTTP (${era}): 20 calls at once, a slow answer: one SMS, one login`, async () => {
    await using emu = await startEmulator();
    await using http = await serveMcp(cleuraEnv(emu, "bob"));
    const { errors, asked } = await twentyAtOnce(
      (elicit) => httpClient(http, elicit, { era }),
      () => emu.lastSmsCode("bob")!,
    );
    assert.equal(errors, 0);
    assert.equal(emu.counters.smsSent, 1);
    assert.equal(emu.counters.cleuraLogins, 1);
    // A 2025 client is asked once; on 2026-07-28 the others wait at most
    // 1.5 s for the answer, longer than this user takes, so once as well.
    assert.equal(asked, 1);
  });
}
