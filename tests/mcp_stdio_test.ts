import assert from "node:assert/strict";
import {
  cleuraEnv,
  ITOPIA_KEY as KEY,
  itopiaEnv,
} from "./_helpers/accounts.ts";
import { jwtVerify } from "jose";
import type { Emulator } from "./_helpers/emulator.ts";
import {
  assertTwentyShareOneLogin,
  call,
  ERAS,
  regionsThroughPage,
  setUp,
  type SetUpOptions,
  test,
} from "./_helpers/mcp.ts";

/** bob's Cleura variables, and organization 42 with deployment 102. */
const env = (emu: Emulator) => ({
  ...cleuraEnv(emu, "bob"),
  ...itopiaEnv(emu),
});

for (const era of ERAS) {
  /** The emulator, and bob's server over stdio with a client in this era. */
  const bob = (options: SetUpOptions = {}) =>
    setUp(env, { transport: "stdio", era, ...options });

  test(`mcp lists its tools with schemas and annotations (${era})`, async () => {
    await using t = await bob();
    const { emu } = t;
    const { tools } = await t.client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    // The tools that change something need --writes.
    assert.deepEqual(names, [
      "cleura_get_shoot",
      "cleura_list_domains",
      "cleura_list_projects",
      "cleura_list_regions",
      "cleura_list_shoots",
      "cleura_token_status",
      "itopia_list_instances",
      "itopia_mint_jwt",
    ]);
    for (const tool of tools) {
      assert.ok(
        tool.title && tool.description && tool.description.length > 80,
        tool.name,
      );
      assert.equal(tool.outputSchema?.type, "object", tool.name);
      // The mint tool hands a live credential to the model: never one a
      // client may run without asking.
      const mint = tool.name === "itopia_mint_jwt";
      assert.equal(tool.annotations?.readOnlyHint, !mint, tool.name);
      if (mint) assert.equal(tool.annotations?.destructiveHint, false);
      const props = JSON.stringify(tool.inputSchema);
      assert.doesNotMatch(
        props,
        /password|apiKey|token"/i,
        `${tool.name} takes no secret`,
      );
    }
    assert.equal(emu.counters.requests, 0, "listing tools calls no API");
  });

  test(`mcp cleura_list_regions asks for the SMS code by elicitation, once (${era})`, async () => {
    await using t = await bob({ elicit: "sms" });
    const { emu } = t;
    const result = await call(t.client, "cleura_list_regions");
    assert.equal(result.isError, false, result.text);
    const regions = result.structured?.regions as { region: string }[];
    assert.deepEqual(regions.map((r) => r.region), ["Sto2", "Fra1", "Kna1"]);
    assert.deepEqual(JSON.parse(result.text), result.structured);
    assert.equal(t.elicitations.length, 1);
    const request = t.elicitations[0]!;
    assert.equal(request.mode ?? "form", "form");
    assert.match(request.message, /SMS.*"bob"/);
    assert.ok("requestedSchema" in request);
    assert.equal(request.requestedSchema.properties.code?.type, "integer");
    const again = await call(t.client, "cleura_list_regions", {
      status: "active",
    });
    assert.equal(again.isError, false);
    assert.equal(emu.counters.cleuraLogins, 1);
    assert.equal(emu.counters.smsSent, 1);
    assert.equal(t.elicitations.length, 1);
  });

  test(`mcp shares one login and one SMS among 20 concurrent tool calls (${era})`, async () => {
    await using t = await bob({ elicit: "sms" });
    await assertTwentyShareOneLogin(t);
  });

  test(`mcp asks once more after a wrong code, then succeeds (${era})`, async () => {
    let n = 0;
    await using t = await bob({
      elicit: (emu) => () => {
        const code = emu.lastSmsCode("bob")!;
        return Promise.resolve({
          action: "accept",
          content: { code: n++ === 0 ? (code + 1) % 1_000_000 : code },
        });
      },
    });
    const { emu } = t;
    const result = await call(t.client, "cleura_list_regions");
    assert.equal(result.isError, false, result.text);
    assert.equal(t.elicitations.length, 2);
    assert.match(t.elicitations[1]!.message, /not accepted/);
    assert.equal(emu.counters.smsSent, 1);
  });

  test(`mcp gives a clear tool error after two wrong codes (${era})`, async () => {
    await using t = await bob({
      elicit: (emu) => () =>
        Promise.resolve({
          action: "accept",
          content: { code: (emu.lastSmsCode("bob")! + 1) % 1_000_000 },
        }),
    });
    const result = await call(t.client, "cleura_list_regions");
    assert.equal(result.isError, true);
    assert.match(
      result.text,
      /^Cannot verify the SMS code for "bob": the server answered 400/,
    );
    assert.equal(t.elicitations.length, 2);
  });

  test(`mcp reports a declined login without retrying (${era})`, async () => {
    await using t = await bob({
      elicit: () => () => Promise.resolve({ action: "decline" }),
    });
    const { emu } = t;
    const result = await call(t.client, "cleura_list_regions");
    assert.equal(result.isError, true);
    assert.match(result.text, /declined/);
    assert.equal(t.elicitations.length, 1);
    assert.equal(emu.counters.smsVerifications, 0);
  });

  test(`mcp after a declined question asks again at the next call, with the same SMS (${era})`, async () => {
    let n = 0;
    await using t = await bob({
      elicit: (emu) => () =>
        Promise.resolve(
          n++ === 0 ? { action: "decline" as const } : {
            action: "accept" as const,
            content: { code: emu.lastSmsCode("bob")! },
          },
        ),
    });
    const { emu } = t;
    assert.equal((await call(t.client, "cleura_list_regions")).isError, true);
    const again = await call(t.client, "cleura_list_regions");
    assert.equal(again.isError, false, again.text);
    assert.equal(t.elicitations.length, 2);
    assert.equal(emu.counters.smsSent, 1, "no second SMS");
  });

  test(`mcp over stdio asks in URL mode when the client has it: a one-time local page, closed after use (${era})`, async () => {
    await using t = await bob({ urlMode: true, elicit: "page" });
    const { url, page } = await regionsThroughPage(t);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/sms\/[0-9a-f-]{36}$/);
    assert.match(page, /<form method="post">/);
    const origin = new URL(url).origin;
    await assert.rejects(
      fetch(`${origin}/sms/00000000-0000-0000-0000-000000000000`),
      "the page listener is closed after use",
    );
  });

  test(`mcp logs the login's progress and never a secret (${era})`, async () => {
    await using t = await bob({ elicit: "sms" });
    // 2025: a session-wide level; 2026-07-28: a level in each request's _meta.
    const meta = era === "legacy"
      ? undefined
      : { "io.modelcontextprotocol/logLevel": "info" };
    if (era === "legacy") await t.client.setLoggingLevel("info");
    await call(t.client, "cleura_list_regions", {}, meta);
    await call(t.client, "cleura_list_regions", {}, meta);
    await call(t.client, "cleura_list_domains", {}, meta);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(
      t.logs.filter((l) => /Reusing the Cleura token/.test(l)).length,
      0,
      "token reuse is a debug line, not shown at info",
    );
    assert.ok(
      t.logs.some((l) => /^info: .*login started/.test(l)),
      t.logs.join("\n"),
    );
    assert.ok(t.logs.some((l) => /SMS/.test(l)));
    assert.ok(!t.logs.join("\n").includes("bob-password"));
  });

  test(`mcp itopia_mint_jwt returns a token signed with the key and its claims (${era})`, async () => {
    await using t = await bob();
    const result = await call(t.client, "itopia_mint_jwt", {
      deploymentId: 101,
      ttlSeconds: 300,
    });
    assert.equal(result.isError, false, result.text);
    const { token, claims, expiresAt } = result.structured as {
      token: string;
      claims: Record<string, number>;
      expiresAt: string;
    };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(KEY), {
      audience: "Itopia",
    });
    assert.equal(payload.organizationId, 42);
    assert.equal(claims.deploymentId, 101);
    assert.equal(claims.exp! - claims.iat!, 300);
    assert.equal(Date.parse(expiresAt), claims.exp! * 1000);
    assert.ok(!result.text.includes(KEY));
  });

  test(`mcp itopia_list_instances pages a 1,200-instance deployment (${era})`, async () => {
    await using t = await bob();
    const first = await call(t.client, "itopia_list_instances");
    assert.equal(first.isError, false, first.text);
    const page = first.structured as {
      total: number;
      instances: { name: string }[];
      nextCursor: string;
    };
    assert.equal(page.total, 1200);
    assert.equal(page.instances.length, 50);
    assert.ok(first.text.length < 30_000, `${first.text.length} bytes`);
    const second = await call(t.client, "itopia_list_instances", {
      cursor: page.nextCursor,
      limit: 200,
    });
    const next = second.structured as { instances: { name: string }[] };
    assert.equal(next.instances[0]?.name, "vm-102-0051");
    assert.equal(next.instances.length, 200);
    const filtered = await call(t.client, "itopia_list_instances", {
      deploymentId: 101,
      status: "running",
      nameContains: "0001",
    });
    assert.deepEqual(filtered.structured, {
      total: 1,
      instances: [
        JSON.parse(
          JSON.stringify(
            (filtered.structured as { instances: unknown[] }).instances[0],
          ),
        ),
      ],
    });
    const wrong = await call(t.client, "itopia_list_instances", {
      deploymentId: 101,
      cursor: page.nextCursor,
    });
    assert.equal(wrong.isError, true);
    assert.match(wrong.text, /^cursor belongs to another query/);
  });

  test(`mcp names the argument at fault (${era})`, async () => {
    await using t = await bob();
    const limit = await call(t.client, "itopia_list_instances", { limit: 500 });
    assert.equal(limit.isError, true);
    assert.match(limit.text, /limit/);
    const ttl = await call(t.client, "itopia_mint_jwt", { ttlSeconds: "soon" });
    assert.equal(ttl.isError, true);
    assert.match(ttl.text, /ttlSeconds/);
    const domain = await call(t.client, "cleura_list_projects", {
      domainId: "no spaces allowed",
    });
    assert.equal(domain.isError, true);
    assert.match(domain.text, /domainId/);
    const shoot = await call(t.client, "cleura_get_shoot", {});
    assert.equal(shoot.isError, true);
    assert.match(shoot.text, /name/);
  });

  test(`mcp points from an unknown domain to cleura_list_domains (${era})`, async () => {
    await using t = await setUp((emu) => cleuraEnv(emu, "alice"), {
      transport: "stdio",
      era,
    });
    const unknown = await call(t.client, "cleura_list_projects", {
      domainId: "no-such-domain",
    });
    assert.equal(unknown.isError, true);
    assert.match(
      unknown.text,
      /No domain "no-such-domain".*cleura_list_domains/,
    );
  });

  test(`mcp reports missing configuration as a tool error naming the variable (${era})`, async () => {
    await using t = await setUp((emu) => ({
      CLEURA_API_URL: emu.cleuraUrl,
      ITOPIA_API_URL: emu.itopiaUrl,
      ITOPIA_ORGANIZATION_ID: "abc",
    }), { transport: "stdio", era });
    const cleura = await call(t.client, "cleura_list_regions");
    assert.equal(cleura.isError, true);
    assert.equal(cleura.text, "CLEURA_API_USERNAME is not set");
    const itopia = await call(t.client, "itopia_mint_jwt");
    assert.equal(itopia.isError, true);
    assert.equal(
      itopia.text,
      'ITOPIA_ORGANIZATION_ID must be a whole number, got "abc"',
    );
  });
}
