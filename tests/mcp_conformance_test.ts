// The official MCP conformance suite against the HTTP server, in both
// protocol eras, and the MCP Inspector CLI against the stdio server.
//
// 2025-11-25 era: @modelcontextprotocol/conformance 0.1.16, the scenarios a
// tools-only server with logging answers (SCENARIOS_2025).
//
// 2026-07-28 era: @modelcontextprotocol/conformance 0.2.0-alpha.12, run one
// `--scenario X --spec-version 2026-07-28` at a time (`--requirements` cannot
// be combined with `--scenario`), against the server's own tools plus the
// fixture tools the scenarios call (tests/_helpers/conformance_tools.ts),
// served by serveHttp + createMcpServer, so the input_required answers go
// through the server's registerTools and its sealed (AES-GCM) requestState.
//
// Scenarios of `list --server --requirements 2026-07-28` that are not run,
// because they do not apply to a tools-only server:
// - completion-complete: needs `completion/complete` on a prompt
//   (test_prompt_with_arguments); the server has no prompts and no completions.
// - resources-list, resources-read-text, resources-read-binary,
//   resources-templates-read, sep-2164-resource-not-found: the server has no
//   resources (the methods answer -32601).
// - prompts-list, prompts-get-simple, prompts-get-with-args,
//   prompts-get-embedded-resource, prompts-get-with-image: no prompts.
// - input-required-result-non-tool-request: needs a prompt
//   (test_input_required_result_prompt) answering prompts/get with
//   input_required.
// - caching: scores prompts/list, resources/list and resources/templates/list
//   too, which a tools-only server answers with -32601; its tools/list check
//   (sep-2549-tools-list-caching-hints) does pass.
// - tools-call-simple-text, tools-call-image, tools-call-audio,
//   tools-call-embedded-resource, tools-call-mixed-content, tools-call-error,
//   tools-call-with-progress: they call the suite's own demo tools
//   (test_simple_text, test_image_content, ..., test_tool_with_progress) with
//   content kinds (image, audio, resources, progress) no cloudgate tool has;
//   fixtures for them would test the SDK, not this server.
// - input-required-result-basic-sampling, -basic-list-roots,
//   -multiple-input-requests, -multi-round: they call fixture tools of their
//   own (sampling, roots/list, several inputs, several rounds); no cloudgate
//   tool asks for sampling or roots. The MRTR path they would exercise is
//   covered by the scenarios below, which also carry a sealed requestState.
// Not required at 2026-07-28 (pending) and likewise not applicable:
// json-schema-2020-12 (a suite demo tool), http-custom-header-server-validation
// (needs a tool with `x-mcp-header` parameters; cloudgate has none).
// http-header-validation is pending too, but applies, so it is run.

import assert from "node:assert/strict";
import { jwtVerify } from "jose";
import { TOOLS } from "../mcp/tools/mod.ts";
import { CONFORMANCE_TOOLS } from "./_helpers/conformance_tools.ts";
import {
  childEnv,
  LISTED_TOOL_NAMES,
  serveMcp,
  SERVER,
} from "./_helpers/mcp.ts";
import {
  CONFORMANCE,
  CONFORMANCE_2026,
  INSPECTOR,
  toolArgs,
} from "./_helpers/tools.ts";

const SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "logging-set-level",
  "dns-rebinding-protection",
];

/** The 2026-07-28 scenarios that apply to a tools-only server. */
const SCENARIOS_2026 = [
  "tools-list",
  "dns-rebinding-protection",
  "http-header-validation",
  "server-stateless",
  "server-sse-multiple-streams",
  "input-required-result-basic-elicitation",
  "input-required-result-request-state",
  "input-required-result-tampered-state",
  "input-required-result-capability-check",
  "input-required-result-missing-input-response",
  "input-required-result-result-type",
  "input-required-result-unsupported-methods",
  "input-required-result-ignore-extra-params",
  "input-required-result-validate-input",
];

/**
 * Checks that may end other than SUCCESS, by id: the statuses allowed and
 * why. Any other check must succeed.
 */
const NOT_SUCCESS: Record<string, { statuses: string[]; why: string }> = {
  "server-sse-streams-functional": {
    statuses: ["INFO"],
    why: "tools/list is answered with plain JSON (an SSE stream is optional)",
  },
  "sep-2575-server-sends-prompts-list-changed-on-subscription": {
    statuses: ["SKIPPED"],
    why: "the server has no prompts, so it declares no prompts.listChanged",
  },
  // A SHOULD. McpServer.registerTool advertises tools.listChanged: true
  // unless told otherwise, but the tool list never changes and http.ts does
  // not expose the handler's notify(), so no tools/list_changed can reach a
  // subscriptions/listen stream: WARNING. Once createMcpServer declares
  // `tools: { listChanged: false }` the check is SKIPPED instead.
  "sep-2575-server-sends-tools-list-changed-on-subscription": {
    statuses: ["WARNING", "SKIPPED"],
    why: "tools.listChanged is advertised but the tool list is static",
  },
};

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
  details?: Record<string, unknown>;
}

async function run(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    env: childEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

/** Runs one 2026-07-28 scenario and returns the CLI's output and its checks. */
async function runScenario2026(
  url: string,
  scenario: string,
): Promise<{ code: number; output: string; checks: Check[] }> {
  const dir = await Deno.makeTempDir({ prefix: "cloudgate-conformance-" });
  try {
    const result = await run(toolArgs(
      CONFORMANCE_2026,
      "server",
      "--url",
      url,
      "--scenario",
      scenario,
      "--spec-version",
      "2026-07-28",
      "--output-dir",
      dir,
    ));
    const checks: Check[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isDirectory) continue;
      checks.push(
        ...JSON.parse(
          await Deno.readTextFile(`${dir}/${entry.name}/checks.json`),
        ),
      );
    }
    return { code: result.code, output: result.stdout + result.stderr, checks };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function check(checks: Check[], id: string): Check {
  const found = checks.find((c) => c.id === id);
  assert.ok(found, `no check ${id} in ${checks.map((c) => c.id).join(", ")}`);
  return found;
}

/** What some scenarios must show beyond passing, read from their checks. */
const EXPECT: Record<string, (checks: Check[]) => void> = {
  "tools-list": (checks) => {
    assert.equal(
      check(checks, "tools-list-deterministic-order").status,
      "SUCCESS",
    );
    const listed = check(checks, "tools-list").details?.tools as string[];
    assert.deepEqual(
      listed,
      [...TOOLS, ...CONFORMANCE_TOOLS].map((t) => t.name),
    );
  },
  "input-required-result-request-state": (checks) => {
    const { result } = check(checks, "sep-2322-request-state-complete")
      .details as { result: { content: { text: string }[] } };
    assert.match(result.content[0]!.text, /state-ok/);
  },
  "input-required-result-tampered-state": (checks) => {
    const { tamperedResponse } = check(checks, "sep-2322-reject-tampered-state")
      .details as { tamperedResponse: { code: number } };
    assert.equal(tamperedResponse.code, -32602);
  },
  "input-required-result-capability-check": (checks) => {
    const { result } = check(checks, "sep-2322-respect-client-capabilities")
      .details as {
        result: { inputRequests: Record<string, { method: string }> };
      };
    assert.deepEqual(
      Object.values(result.inputRequests).map((r) => r.method),
      ["sampling/createMessage"],
    );
  },
  "server-stateless": (checks) => {
    const { response } = check(
      checks,
      "sep-2575-server-rejects-undeclared-capability",
    ).details as {
      response: { error: { code: number; data: Record<string, unknown> } };
    };
    assert.equal(response.error.code, -32021);
    assert.deepEqual(response.error.data.requiredCapabilities, {
      sampling: {},
    });
  },
};

Deno.test("the official MCP conformance scenarios pass against the HTTP server", async () => {
  // The suite cannot send a bearer token: the one place a server runs
  // without one (a library option the command line never sets).
  await using http = await serveMcp({}, { unauthenticated: true });
  const url = `${http.url.replace("127.0.0.1", "localhost")}/mcp`;
  for (const scenario of SCENARIOS) {
    const result = await run(
      toolArgs(CONFORMANCE, "server", "--url", url, "--scenario", scenario),
    );
    assert.equal(
      result.code,
      0,
      `${scenario}: ${result.stdout}${result.stderr}`,
    );
    assert.match(
      result.stdout,
      /Passed: (\d+)\/\1, 0 failed/,
      `${scenario}: ${result.stdout}`,
    );
  }
});

Deno.test("the 2026-07-28 conformance scenarios of a tools-only server pass against the HTTP server", async (t) => {
  // The suite cannot send a bearer token: the one place a server runs
  // without one (a library option the command line never sets).
  await using http = await serveMcp({}, {
    unauthenticated: true,
    tools: [...TOOLS, ...CONFORMANCE_TOOLS],
  });
  const url = `${http.url.replace("127.0.0.1", "localhost")}/mcp`;
  for (const scenario of SCENARIOS_2026) {
    await t.step(scenario, async () => {
      const { code, output, checks } = await runScenario2026(url, scenario);
      assert.equal(code, 0, `${scenario}: ${output}`);
      const summary = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/
        .exec(output);
      assert.ok(summary, `${scenario}: no summary in ${output}`);
      const [, passed, total, failed, warnings] = summary.map(Number);
      assert.ok(passed! > 0 && passed === total && failed === 0, summary[0]);
      assert.equal(
        checks.filter((c) => c.status === "SUCCESS").length,
        passed,
        `${scenario}: checks.json disagrees with ${summary[0]}`,
      );
      assert.equal(
        checks.filter((c) => c.status === "WARNING").length,
        warnings,
      );
      for (const c of checks) {
        assert.doesNotMatch(c.errorMessage ?? "", /Not testable/, c.id);
        assert.notEqual(c.details?.untestable, true, c.id);
        if (c.status === "SUCCESS") continue;
        assert.ok(
          NOT_SUCCESS[c.id]?.statuses.includes(c.status),
          `${scenario}: ${c.id} is ${c.status}: ${c.errorMessage}`,
        );
      }
      EXPECT[scenario]?.(checks);
    });
  }
});

Deno.test("the MCP Inspector CLI lists the tools and mints a JWT", async () => {
  const denoDir = childEnv({}).DENO_DIR!;
  const server = [
    "-e",
    `DENO_DIR=${denoDir}`,
    "-e",
    "ITOPIA_API_KEY=inspector-key",
    "-e",
    "ITOPIA_ORGANIZATION_ID=42",
    Deno.execPath(),
    "run",
    "--allow-net=127.0.0.1",
    "--allow-env",
    SERVER,
  ];
  /** Runs the Inspector CLI against the stdio server with one method. */
  const inspect = (...method: string[]) =>
    run(toolArgs(INSPECTOR, "--cli", ...server, "--method", ...method));
  const list = await inspect("tools/list");
  assert.equal(list.code, 0, list.stderr);
  const names = (JSON.parse(list.stdout).tools as { name: string }[]).map((t) =>
    t.name
  );
  assert.deepEqual(names, LISTED_TOOL_NAMES);
  const minted = await inspect(
    "tools/call",
    "--tool-name",
    "itopia_mint_jwt",
    "--tool-arg",
    "ttlSeconds=120",
  );
  assert.equal(minted.code, 0, minted.stderr);
  const { token } = JSON.parse(minted.stdout).structuredContent;
  const { payload } = await jwtVerify(
    token,
    new TextEncoder().encode("inspector-key"),
    {
      audience: "Itopia",
    },
  );
  assert.equal(payload.exp! - payload.iat!, 120);
  assert.equal(payload.organizationId, 42);
});
