// The fixture tools the MCP conformance suite's 2026-07-28 input-required
// (MRTR, SEP-2322) scenarios call, written as cloudgate tools so that they
// run through the same registerTools mapping, the same McpServer and the
// same sealed requestState (AES-GCM, mcp/state.ts) as the real tools. The
// scenario texts in @modelcontextprotocol/conformance's dist/index.js fix the
// names, the inputRequests keys and the messages.
//
// These are test fixtures: they are served only by the tests, never by
// mcp/server.ts.

import {
  acceptedContent,
  inputRequired,
  inputResponse,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { AuthError } from "../../lib/errors.ts";
import { defineTool, type ToolDefinition } from "../../mcp/tool.ts";

/** The key and question of `test_input_required_result_elicitation`. */
const NAME_KEY = "user_name";
const nameAnswer = z.object({ name: z.string().trim().min(1).max(200) });

/** The key and question of the requestState tools. */
const CONFIRM_KEY = "confirm";
const confirmAnswer = z.object({ ok: z.boolean() });

/** What the requestState tools seal into their requestState. */
interface ConfirmState {
  /** The tool that issued the state: a state is good for that tool only. */
  tool: string;
  /** Which round issued it. */
  round: number;
}

function declined(tool: string, action: string): AuthError {
  return new AuthError(
    `${tool}: the user ${
      action === "decline" ? "declined" : "cancelled"
    } the question`,
  );
}

/**
 * `test_input_required_result_elicitation`: asks the user's name with one
 * form elicitation under the key `user_name`, and greets them once the retry
 * carries an accepted answer. It keeps no requestState, so any retry with a
 * valid `user_name` answer completes, and a retry without one (a wrong key,
 * an answer that is not `{ name }`) is asked again.
 */
export const conformanceElicitation = defineTool({
  name: "test_input_required_result_elicitation",
  toolset: "cleura",
  title: "Conformance: ask a name",
  description:
    "Conformance fixture (SEP-2322): asks for the user's name through an input_required result, then greets them.",
  input: z.object({}),
  output: z.object({ greeting: z.string() }),
  annotations: { openWorldHint: false },
  run: (_args, call) => {
    const view = inputResponse(call.inputResponses, NAME_KEY);
    if (view.kind === "elicit" && view.action !== "accept") {
      throw declined(call.tool, view.action);
    }
    const answer = acceptedContent(call.inputResponses, NAME_KEY, nameAnswer);
    if (answer) return Promise.resolve({ greeting: `Hello, ${answer.name}!` });
    return Promise.resolve(inputRequired({
      inputRequests: {
        [NAME_KEY]: inputRequired.elicit({
          message: "What is your name?",
          requestedSchema: {
            type: "object",
            properties: { name: { type: "string" } },
            required: ["name"],
          },
        }),
      },
    }));
  },
});

/**
 * A tool that asks for a confirmation under the key `confirm` and seals its
 * round into the requestState with the server's own codec
 * (`call.ctx.state.seal`). The server's McpServer opens that state before
 * the tool runs (`requestState.verify`), so a tampered, replayed or foreign
 * state never reaches `run`: the client gets -32602. The retry completes with
 * `state-ok` only when it carries both an opened state issued by this tool
 * and an accepted `{ ok }` answer; otherwise it asks again with a new state.
 */
function confirmTool(name: string, title: string) {
  return defineTool({
    name,
    toolset: "cleura",
    title,
    description:
      "Conformance fixture (SEP-2322): asks for a confirmation through an input_required result with a sealed requestState, and reports state-ok once the retry echoes that state.",
    input: z.object({}),
    output: z.object({
      status: z.literal("state-ok"),
      ok: z.boolean(),
      round: z.number().int(),
    }),
    annotations: { openWorldHint: false },
    run: async (_args, call) => {
      const state = call.state<ConfirmState>();
      if (state !== undefined && state.tool !== call.tool) {
        throw new AuthError(
          `${call.tool}: the requestState was issued for ${state.tool}; call ${call.tool} again without it`,
        );
      }
      const view = inputResponse(call.inputResponses, CONFIRM_KEY);
      if (view.kind === "elicit" && view.action !== "accept") {
        throw declined(call.tool, view.action);
      }
      const answer = acceptedContent(
        call.inputResponses,
        CONFIRM_KEY,
        confirmAnswer,
      );
      if (state !== undefined && answer) {
        return {
          status: "state-ok" as const,
          ok: answer.ok,
          round: state.round,
        };
      }
      const next: ConfirmState = {
        tool: call.tool,
        round: (state?.round ?? 0) + 1,
      };
      return inputRequired({
        inputRequests: {
          [CONFIRM_KEY]: inputRequired.elicit({
            message: "Please confirm",
            requestedSchema: {
              type: "object",
              properties: { ok: { type: "boolean" } },
              required: ["ok"],
            },
          }),
        },
        requestState: await call.ctx.state.seal(next),
      });
    },
  });
}

/** `test_input_required_result_request_state`: see {@linkcode confirmTool}. */
export const conformanceRequestState = confirmTool(
  "test_input_required_result_request_state",
  "Conformance: confirm with a sealed requestState",
);

/**
 * `test_input_required_result_tampered_state`: the same tool under the name
 * the tampered-state scenario calls; the rejection of an altered state is the
 * server's (its `requestState.verify` is the AES-GCM codec's `open`).
 */
export const conformanceTamperedState = confirmTool(
  "test_input_required_result_tampered_state",
  "Conformance: refuse an altered requestState",
);

const SAMPLING_KEY = "answer";

/**
 * `test_input_required_result_capabilities`: asks one question, through the
 * means the request's client capabilities allow: a form elicitation when the
 * client declares elicitation (form mode), else a sampling request. The
 * server (the SDK) refuses an inputRequest the client did not declare with
 * -32021 MissingRequiredClientCapability, so a client that declares neither
 * gets that error naming `sampling`. (ToolCall exposes the elicitation modes
 * only, not the whole capability set, so the tool cannot tell "sampling" from
 * "nothing" itself.)
 */
export const conformanceCapabilities = defineTool({
  name: "test_input_required_result_capabilities",
  toolset: "cleura",
  title: "Conformance: ask through a declared capability",
  description:
    "Conformance fixture (SEP-2322): asks one question through elicitation when the client declares it, else through sampling.",
  input: z.object({}),
  output: z.object({
    via: z.enum(["elicitation", "sampling"]),
    answer: z.string(),
  }),
  annotations: { openWorldHint: false },
  run: (_args, call) => {
    const view = inputResponse(call.inputResponses, SAMPLING_KEY);
    if (view.kind === "elicit") {
      if (view.action !== "accept") throw declined(call.tool, view.action);
      const content = acceptedContent(
        call.inputResponses,
        SAMPLING_KEY,
        z.object({ answer: z.string().max(200) }),
      );
      if (content) {
        return Promise.resolve({
          via: "elicitation" as const,
          answer: content.answer,
        });
      }
    }
    if (view.kind === "sampling") {
      const content = view.result.content;
      const blocks = Array.isArray(content) ? content : [content];
      const text = blocks.map((b) => b.type === "text" ? b.text : "").join("");
      return Promise.resolve({ via: "sampling" as const, answer: text });
    }
    const question = "What is the answer?";
    return Promise.resolve(inputRequired({
      inputRequests: {
        [SAMPLING_KEY]: call.elicitation?.form
          ? inputRequired.elicit({
            message: question,
            requestedSchema: {
              type: "object",
              properties: { answer: { type: "string" } },
              required: ["answer"],
            },
          })
          : inputRequired.createMessage({
            messages: [{
              role: "user",
              content: { type: "text", text: question },
            }],
            maxTokens: 64,
          }),
      },
    }));
  },
});

/**
 * `test_missing_capability` (server-stateless, SEP-2575): needs sampling, so
 * it asks for a sampling answer. A client that did not declare sampling gets
 * -32021 MissingRequiredClientCapability (HTTP 400) from the server, naming
 * `sampling`; one that did gets the question, and the retry completes.
 */
export const conformanceMissingCapability = defineTool({
  name: "test_missing_capability",
  toolset: "cleura",
  title: "Conformance: needs sampling",
  description:
    "Conformance fixture (SEP-2575): asks the client for a sampling answer, so it needs the sampling capability.",
  input: z.object({}),
  output: z.object({ answer: z.string() }),
  annotations: { openWorldHint: false },
  run: (_args, call) => {
    const view = inputResponse(call.inputResponses, SAMPLING_KEY);
    if (view.kind === "sampling") {
      const content = view.result.content;
      const blocks = Array.isArray(content) ? content : [content];
      return Promise.resolve({
        answer: blocks.map((b) => b.type === "text" ? b.text : "").join(""),
      });
    }
    return Promise.resolve(inputRequired({
      inputRequests: {
        [SAMPLING_KEY]: inputRequired.createMessage({
          messages: [{
            role: "user",
            content: { type: "text", text: "Say hello" },
          }],
          maxTokens: 16,
        }),
      },
    }));
  },
});

/**
 * `test_streaming_elicitation` (server-stateless): asks a question mid-call.
 * On 2026-07-28 that must be an input_required result on the response, never
 * an `elicitation/create` request of the server's own on the stream.
 */
export const conformanceStreamingElicitation = defineTool({
  name: "test_streaming_elicitation",
  toolset: "cleura",
  title: "Conformance: ask mid-call",
  description:
    "Conformance fixture (SEP-2575): asks for a confirmation mid-call, as an input_required result.",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  annotations: { openWorldHint: false },
  run: (_args, call) => {
    const answer = acceptedContent(
      call.inputResponses,
      CONFIRM_KEY,
      confirmAnswer,
    );
    if (answer) return Promise.resolve({ ok: answer.ok });
    return Promise.resolve(inputRequired({
      inputRequests: {
        [CONFIRM_KEY]: inputRequired.elicit({
          message: "Continue?",
          requestedSchema: {
            type: "object",
            properties: { ok: { type: "boolean" } },
            required: ["ok"],
          },
        }),
      },
    }));
  },
});

/**
 * `test_logging_tool` (server-stateless): logs at every level through the
 * call's log, as the real tools do. A 2026-07-28 request without
 * `_meta["io.modelcontextprotocol/logLevel"]` must receive none of it.
 */
export const conformanceLogging = defineTool({
  name: "test_logging_tool",
  toolset: "cleura",
  title: "Conformance: log",
  description:
    "Conformance fixture (SEP-2575): sends log lines through the call's log, then completes.",
  input: z.object({}),
  output: z.object({ logged: z.number().int() }),
  annotations: { openWorldHint: false },
  run: (_args, call) => {
    const levels = ["debug", "info", "notice", "warning", "error"] as const;
    for (const level of levels) call.log(level, `test_logging_tool: ${level}`);
    return Promise.resolve({ logged: levels.length });
  },
});

/** Every conformance fixture tool. */
export const CONFORMANCE_TOOLS: readonly ToolDefinition[] = [
  conformanceElicitation,
  conformanceRequestState,
  conformanceTamperedState,
  conformanceCapabilities,
  conformanceMissingCapability,
  conformanceStreamingElicitation,
  conformanceLogging,
] as unknown as readonly ToolDefinition[];
