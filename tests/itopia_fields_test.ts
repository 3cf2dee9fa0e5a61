// An itopia instance whose id, name or status is of the wrong type: a number
// is read as its text; an object or a list is a one-line error naming the
// field, in the library, the CLI and the MCP tool (never a TypeError).

import assert from "node:assert/strict";
import {
  parseCloudInstances,
  ResponseFormatError,
  selectInstances,
} from "../mod.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { runMain } from "./_helpers/cli.ts";
import { call, stdioClient, test } from "./_helpers/mcp.ts";

const KEY = "test-api-key-0123456789abcdef0123456789";

Deno.test("a status or name given as a number is read as its text, and a filter finds it", () => {
  const list = parseCloudInstances([
    { id: 1, name: 42, status: 7 },
    { Id: 2, Name: "vm-2", Status: "Running" },
  ], 101);
  assert.deepEqual(list[0], { id: 1, name: "42", status: "7" });
  assert.deepEqual(selectInstances(list, { status: "7" }).total, 1);
  assert.deepEqual(selectInstances(list, { nameContains: "4" }).total, 1);
  assert.equal(selectInstances(list, { status: "running" }).total, 1);
});

Deno.test("an object, a list or a boolean as id, name or status is a one-line error naming the field", () => {
  for (
    const [item, at, expected] of [
      [
        { id: 1, name: {}, status: "Running" },
        "1.name",
        "a string, got object",
      ],
      [{ id: 1, name: "vm", status: [] }, "1.status", "a string, got a list"],
      [{ id: true, name: "vm" }, "1.id", "a string or a number, got boolean"],
    ] as const
  ) {
    assert.throws(
      () => parseCloudInstances([{ id: 0 }, item], 101),
      (error: unknown) => {
        assert.ok(error instanceof ResponseFormatError, String(error));
        assert.equal(
          error.message,
          `Cannot list the cloud instances of deployment 101: the response of deployments/101/cloudInstances has an unexpected shape at "${at}": expected ${expected}`,
        );
        return true;
      },
    );
  }
});

Deno.test("null as a name is read as absent, and the name is taken from another spelling", () => {
  const [instance] = parseCloudInstances([{ name: null, Name: "vm-1" }], 1);
  assert.equal(instance?.name, "vm-1");
});

Deno.test("cli itopia instances with a name of {} fails on one line naming the field (exit 1)", async () => {
  await using emu = await startEmulator();
  const cacheDir = await Deno.makeTempDir();
  try {
    emu.injectFault({
      kind: "json",
      path: "cloudInstances",
      body: [{ id: 1, name: {}, status: 7 }],
    });
    const run = await runMain(
      ["itopia", "instances", "--deployment-id", "101"],
      {
        ITOPIA_API_URL: emu.itopiaUrl,
        ITOPIA_API_KEY: KEY,
        ITOPIA_ORGANIZATION_ID: "42",
      },
      { cacheDir },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.errLines, [
      'error: Cannot list the cloud instances of deployment 101: the response of deployments/101/cloudInstances has an unexpected shape at "0.name": expected a string, got object',
    ]);
    assert.doesNotMatch(run.stderr, /TypeError/);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

test("mcp itopia_list_instances with a status filter over a status of 7 and a name of {}", async () => {
  await using emu = await startEmulator();
  await using t = await stdioClient({
    ITOPIA_API_URL: emu.itopiaUrl,
    ITOPIA_API_KEY: KEY,
    ITOPIA_ORGANIZATION_ID: "42",
  });
  emu.injectFault({
    kind: "json",
    path: "cloudInstances",
    body: [{ id: 1, name: "vm-1", status: 7 }, { id: 2, name: "vm-2" }],
  });
  const found = await call(t.client, "itopia_list_instances", {
    deploymentId: 101,
    status: "7",
  });
  assert.equal(found.isError, false, found.text);
  assert.deepEqual(found.structured, {
    total: 1,
    instances: [{ id: 1, name: "vm-1", status: "7" }],
  });
  emu.injectFault({
    kind: "json",
    path: "cloudInstances",
    body: [{ id: 1, name: {}, status: "Running" }],
  });
  const failed = await call(t.client, "itopia_list_instances", {
    deploymentId: 101,
    nameContains: "vm",
  });
  assert.equal(failed.isError, true);
  assert.match(failed.text, /unexpected shape at "0\.name": expected a string/);
  assert.doesNotMatch(failed.text, /TypeError|\n/);
});
