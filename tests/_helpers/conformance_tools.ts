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
import {
  defineTool,
  type ToolDefinition,
  type ToolSpec,
} from "../../mcp/tool.ts";

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

const NO_ARGS = z.object({});

/** A fixture tool: no arguments, in the cleura toolset, not open-world. */
function fixture<O extends z.ZodObject>(
  definition: Omit<
    ToolSpec<typeof NO_ARGS, O>,
    "toolset" | "input" | "annotations"
  >,
): ToolDefinition {
  return defineTool({
    toolset: "cleura",
    input: NO_ARGS,
    annotations: { openWorldHint: false },
    ...definition,
  });
}

/** A form elicitation that asks for one field of the type given. */
function askFor(message: string, field: string, type: "string" | "boolean") {
  const property = type === "string"
    ? { type: "string" as const }
    : { type: "boolean" as const };
  return inputRequired.elicit({
    message,
    requestedSchema: {
      type: "object",
      properties: { [field]: property },
      required: [field],
    },
  });
}

/** What a call answers when it asks one question under `key` and keeps no state. */
function asking(
  key: string,
  request:
    | ReturnType<typeof inputRequired.elicit>
    | ReturnType<typeof inputRequired.createMessage>,
) {
  return Promise.resolve(inputRequired({ inputRequests: { [key]: request } }));
}

/** The text of a sampling answer. */
function sampledText(
  view: Extract<ReturnType<typeof inputResponse>, { kind: "sampling" }>,
): string {
  const content = view.result.content;
  const blocks = Array.isArray(content) ? content : [content];
  return blocks.map((b) => b.type === "text" ? b.text : "").join("");
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
export const conformanceElicitation = fixture({
  name: "test_input_required_result_elicitation",
  title: "Conformance: ask a name",
  description:
    "Conformance fixture (SEP-2322): asks for the user's name through an input_required result, then greets them.",
  output: z.object({ greeting: z.string() }),
  run: (_args, call) => {
    const view = inputResponse(call.inputResponses, NAME_KEY);
    if (view.kind === "elicit" && view.action !== "accept") {
      throw declined(call.tool, view.action);
    }
    const answer = acceptedContent(call.inputResponses, NAME_KEY, nameAnswer);
    if (answer) return Promise.resolve({ greeting: `Hello, ${answer.name}!` });
    return asking(NAME_KEY, askFor("What is your name?", "name", "string"));
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
  return fixture({
    name,
    title,
    description:
      "Conformance fixture (SEP-2322): asks for a confirmation through an input_required result with a sealed requestState, and reports state-ok once the retry echoes that state.",
    output: z.object({
      status: z.literal("state-ok"),
      ok: z.boolean(),
      round: z.number().int(),
    }),
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
          [CONFIRM_KEY]: askFor("Please confirm", "ok", "boolean"),
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
export const conformanceCapabilities = fixture({
  name: "test_input_required_result_capabilities",
  title: "Conformance: ask through a declared capability",
  description:
    "Conformance fixture (SEP-2322): asks one question through elicitation when the client declares it, else through sampling.",
  output: z.object({
    via: z.enum(["elicitation", "sampling"]),
    answer: z.string(),
  }),
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
      return Promise.resolve({
        via: "sampling" as const,
        answer: sampledText(view),
      });
    }
    const question = "What is the answer?";
    return asking(
      SAMPLING_KEY,
      call.elicitation?.form
        ? askFor(question, "answer", "string")
        : inputRequired.createMessage({
          messages: [{
            role: "user",
            content: { type: "text", text: question },
          }],
          maxTokens: 64,
        }),
    );
  },
});

/**
 * `test_missing_capability` (server-stateless, SEP-2575): needs sampling, so
 * it asks for a sampling answer. A client that did not declare sampling gets
 * -32021 MissingRequiredClientCapability (HTTP 400) from the server, naming
 * `sampling`; one that did gets the question, and the retry completes.
 */
export const conformanceMissingCapability = fixture({
  name: "test_missing_capability",
  title: "Conformance: needs sampling",
  description:
    "Conformance fixture (SEP-2575): asks the client for a sampling answer, so it needs the sampling capability.",
  output: z.object({ answer: z.string() }),
  run: (_args, call) => {
    const view = inputResponse(call.inputResponses, SAMPLING_KEY);
    if (view.kind === "sampling") {
      return Promise.resolve({ answer: sampledText(view) });
    }
    return asking(
      SAMPLING_KEY,
      inputRequired.createMessage({
        messages: [{
          role: "user",
          content: { type: "text", text: "Say hello" },
        }],
        maxTokens: 16,
      }),
    );
  },
});

/**
 * `test_streaming_elicitation` (server-stateless): asks a question mid-call.
 * On 2026-07-28 that must be an input_required result on the response, never
 * an `elicitation/create` request of the server's own on the stream.
 */
export const conformanceStreamingElicitation = fixture({
  name: "test_streaming_elicitation",
  title: "Conformance: ask mid-call",
  description:
    "Conformance fixture (SEP-2575): asks for a confirmation mid-call, as an input_required result.",
  output: z.object({ ok: z.boolean() }),
  run: (_args, call) => {
    const answer = acceptedContent(
      call.inputResponses,
      CONFIRM_KEY,
      confirmAnswer,
    );
    if (answer) return Promise.resolve({ ok: answer.ok });
    return asking(CONFIRM_KEY, askFor("Continue?", "ok", "boolean"));
  },
});

/**
 * `test_logging_tool` (server-stateless): logs at every level through the
 * call's log, as the real tools do. A 2026-07-28 request without
 * `_meta["io.modelcontextprotocol/logLevel"]` must receive none of it.
 */
export const conformanceLogging = fixture({
  name: "test_logging_tool",
  title: "Conformance: log",
  description:
    "Conformance fixture (SEP-2575): sends log lines through the call's log, then completes.",
  output: z.object({ logged: z.number().int() }),
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
];
