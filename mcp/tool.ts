/**
 * A tool is one declared value: name, title, description written for a model,
 * input and output schemas, annotations, and `run`. This module holds that
 * shape, what a call gives `run`, the result and error mapping every tool
 * shares, and the one loop that registers a list of tools on a server.
 *
 * @module
 */

import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  type InputRequiredResult,
  isInputRequiredResult,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
  type ToolAnnotations,
} from "@modelcontextprotocol/server";
import type { z } from "zod";
import { CloudgateError, SmsCodeRequiredError } from "../lib/errors.ts";
import { formatJson } from "../lib/format.ts";
import { cleanText } from "../lib/text.ts";
import { lean, storedJson } from "./tool_schema.ts";
import type { LogLevel, ToolContext } from "./context.ts";
import type { Toolset } from "./toolsets.ts";

export {
  changesSomething,
  selectTools,
  type ToolSelection,
  type Toolset,
  TOOLSETS,
} from "./toolsets.ts";

/** What one tool call gives `run`. */
export interface ToolCall {
  /** The state shared by every call of the process. */
  ctx: ToolContext;
  /** The tool's name. */
  tool: string;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
  /** `legacy` for a 2025 connection, `modern` for 2026-07-28. */
  era: "legacy" | "modern";
  /** The elicitation modes the client declared, or `undefined` for none. */
  elicitation: { form: boolean; url: boolean } | undefined;
  /**
   * On a 2025 connection whose client declared URL mode: tells the client
   * that the URL-mode elicitation of this id is complete.
   */
  completeElicitation?: (elicitationId: string) => void;
  /** The opened `requestState` of a retried call. */
  state<T>(): T | undefined;
  /** The answers a retried call carries (untrusted). */
  inputResponses: Record<string, unknown> | undefined;
  /** Sends a log line to this call's client. Never give it a secret. */
  log(level: LogLevel, message: string): void;
}

/** A tool as declared: its own argument and result types. */
export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  /** The name clients call it by. */
  name: string;
  /** The group `--toolsets` selects it by. */
  toolset: Toolset;
  /** A short human title. */
  title: string;
  /** What it does and when to use it, written for a model. */
  description: string;
  /** The arguments. */
  input: I;
  /** The structured result. */
  output: O;
  /**
   * Hints beyond the shared ones (read-only, idempotent, open world). A tool
   * that is not read-only and not `destructiveHint: false` changes something:
   * it is listed only with `--writes` ({@linkcode changesSomething}).
   */
  annotations?: ToolAnnotations;
  /** Does the work: a result, or a request for input (MRTR). */
  run(
    args: z.output<I>,
    call: ToolCall,
  ): Promise<z.input<O> | InputRequiredResult>;
}

/**
 * A tool of any schemas, as a list holds it: the same fields, with a `run`
 * that takes any value and checks it against the tool's own input schema.
 */
export interface ToolDefinition
  extends Omit<ToolSpec<z.ZodObject, z.ZodObject>, "run"> {
  /** Checks the arguments, then does the work. */
  readonly run: (
    args: unknown,
    call: ToolCall,
  ) => Promise<Record<string, unknown> | InputRequiredResult>;
}

/**
 * The annotations every tool has unless it says otherwise: read-only. The
 * protocol's defaults say the rest (`openWorldHint: true`; the destructive
 * and idempotent hints mean something only for a tool that is not
 * read-only), so they are not repeated in every listing.
 */
const SHARED_ANNOTATIONS: ToolAnnotations = { readOnlyHint: true };

/**
 * Declares a tool. The value is plain data plus `run`; the server, the
 * README table and the tests read the same list. Its `run` parses the
 * arguments with the tool's input schema (the server has checked them with
 * it already, so this only gives them their type), so that tools of
 * different schemas share one type.
 *
 * @param spec The tool, typed by its schemas.
 * @returns The tool, as a list holds it.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineTool } from "./tool.ts";
 * const echo = defineTool({
 *   name: "echo",
 *   toolset: "cleura",
 *   title: "Echo",
 *   description: "Returns its text.",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   run: ({ text }) => Promise.resolve({ text }),
 * });
 * ```
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  spec: ToolSpec<I, O>,
): ToolDefinition {
  return {
    ...spec,
    run: (args, call) => spec.run(spec.input.parse(args), call),
  };
}

/**
 * A tool's `run` whose code is loaded on the tool's first call, so that a
 * server lists its tools without loading what they call (the APIs, the
 * login, jose). `load` is a dynamic `import()` with a literal specifier (a
 * bundle and `deno publish` still see the module); `name` is the export.
 *
 * @param load Imports the module.
 * @param name The function's export name in it.
 * @returns A `run` for {@linkcode defineTool}.
 *
 * @example
 * ```ts ignore
 * run: lazyRun(() => import("./cleura_run.ts"), "regions"),
 * ```
 */
export function lazyRun<
  M extends { readonly [key in K]: LoadedRun },
  K extends string,
>(load: () => Promise<M>, name: K): M[K] {
  const run: LoadedRun = async (args, call) =>
    await ((await load())[name] as LoadedRun)(args, call);
  return run as M[K];
}

/** A tool's `run` as {@linkcode lazyRun} finds it in its module. */
// deno-lint-ignore no-explicit-any
type LoadedRun = (args: any, call: ToolCall) => Promise<unknown>;

/** What a user does when neither the client nor a code page can take the SMS code. */
export const NO_ELICITATION_HINT =
  "Set CLEURA_API_TOKEN in the server's environment instead (for example from `cloudgate cleura token`) and restart the server";

/**
 * A successful result: the structured content, and the same JSON as text
 * for clients that read only text. The structured content is the data as the
 * API gave it; in the text, every character a terminal would act on (C1
 * controls, bidirectional overrides; JSON already escapes C0) is a `\uXXXX`
 * escape, so the text shows harmlessly and still parses to the same data.
 *
 * @param structured The result.
 * @returns The tool result.
 */
export function ok(structured: Record<string, unknown>): CallToolResult {
  return {
    content: [{ type: "text", text: formatJson(structured) }],
    structuredContent: structured,
  };
}

/**
 * A tool error with one clear line. Only cloudgate's own errors, whose
 * messages never hold a secret, are shown, cleaned with
 * {@linkcode cleanText}: a server's message quoted in one cannot carry an
 * escape sequence, a control character or a bidirectional override.
 *
 * @param error What went wrong.
 * @returns The tool result, with `isError: true`.
 */
export function fail(error: unknown): CallToolResult {
  let message = error instanceof CloudgateError
    ? error.message
    : `Unexpected ${
      error instanceof Error ? error.name : "failure"
    } in cloudgate`;
  if (error instanceof SmsCodeRequiredError) {
    message = `${message}. ${NO_ELICITATION_HINT}`;
  }
  return {
    content: [{ type: "text", text: cleanText(message, { multiline: false }) }],
    isError: true,
  };
}

/** The first revision without `initialize`, whose requests carry the client's capabilities. */
const MODERN_REVISION = "2026-07-28";

/**
 * The era of a request, from the protocol: the version the connection
 * negotiated, else the envelope's `protocolVersion`. The mere presence of an
 * envelope says nothing: the SDK lifts any reserved `_meta` key into it,
 * also on 2025 sessions (a client's per-request log level, say).
 */
function eraOf(server: McpServer, request: ServerContext): ToolCall["era"] {
  const envelope = request.mcpReq.envelope as
    | Record<string, unknown>
    | undefined;
  const version = server.server.getNegotiatedProtocolVersion() ??
    envelope?.[PROTOCOL_VERSION_META_KEY];
  // Revisions are dates, so they compare as text.
  return typeof version === "string" && version >= MODERN_REVISION
    ? "modern"
    : "legacy";
}

function elicitationOf(
  server: McpServer,
  request: ServerContext,
  era: ToolCall["era"],
): ToolCall["elicitation"] {
  const envelope = request.mcpReq.envelope as
    | Record<string, { elicitation?: unknown } | undefined>
    | undefined;
  const caps = era === "modern"
    ? envelope?.[CLIENT_CAPABILITIES_META_KEY]
    : server.server.getClientCapabilities();
  const elicitation = caps?.elicitation as
    | { form?: unknown; url?: unknown }
    | undefined;
  if (!elicitation) return undefined;
  const url = elicitation.url !== undefined;
  // A bare `elicitation: {}` means form mode (the meaning before modes).
  return { form: elicitation.form !== undefined || !url, url };
}

/** What a server lists for a tool, beside its name and handler. */
export interface ToolListing {
  /** A short human title. */
  readonly title: string;
  /** What it does, for a model. */
  readonly description: string;
  /** The arguments, with the lean JSON Schema. */
  readonly inputSchema: z.ZodObject;
  /** The result, with its outline as JSON Schema. */
  readonly outputSchema: z.ZodObject;
  /** The shared annotations with the tool's own. */
  readonly annotations: Readonly<ToolAnnotations>;
}

const LISTINGS = new WeakMap<ToolDefinition, ToolListing>();

/**
 * What a server lists for a tool, built once per tool and process: every
 * server (an HTTP session's, a 2026-07-28 request's) registers the same
 * object, whose JSON Schemas are converted once, so a new server only wires
 * its handlers.
 *
 * @param tool The tool.
 * @returns The same listing every time for the same tool.
 *
 * @example
 * ```ts
 * import { toolListing } from "./tool.ts";
 * import { TOOLS } from "./tools/mod.ts";
 * toolListing(TOOLS[0]!) === toolListing(TOOLS[0]!); // true
 * ```
 */
export function toolListing(tool: ToolDefinition): ToolListing {
  let listing = LISTINGS.get(tool);
  if (listing === undefined) {
    listing = Object.freeze({
      title: tool.title,
      description: tool.description,
      inputSchema: lean(tool.input, false, storedJson(tool, "input")),
      outputSchema: lean(tool.output, true, storedJson(tool, "output")),
      annotations: Object.freeze({
        ...SHARED_ANNOTATIONS,
        ...tool.annotations,
      }),
    });
    LISTINGS.set(tool, listing);
  }
  return listing;
}

/**
 * Registers every tool of a list on a server, with the shared annotations,
 * the result and error mapping, and the per-call log destination.
 *
 * @param server The server.
 * @param tools The tools.
 * @param ctx The state shared by every call.
 */
export function registerTools(
  server: McpServer,
  tools: readonly ToolDefinition[],
  ctx: ToolContext,
): void {
  for (const tool of tools) {
    server.registerTool(tool.name, toolListing(tool), (
      args: unknown,
      request: ServerContext,
    ) => {
      const log = (level: LogLevel, message: string) => {
        request.mcpReq.log(
          level,
          cleanText(message, { multiline: false }),
          "cloudgate",
        ).catch(() => {});
      };
      const era = eraOf(server, request);
      const elicitation = elicitationOf(server, request, era);
      const call: ToolCall = {
        ctx,
        tool: tool.name,
        signal: request.mcpReq.signal,
        era,
        elicitation,
        ...(era === "legacy" && elicitation?.url
          ? {
            completeElicitation: (id: string) => {
              server.server.createElicitationCompletionNotifier(id)().catch(
                () => {},
              );
            },
          }
          : {}),
        state: <T>() => request.mcpReq.requestState<T>(),
        inputResponses: request.mcpReq.inputResponses,
        log,
      };
      return ctx.withLog(log, async () => {
        try {
          const result = await tool.run(args, call);
          return isInputRequiredResult(result) ? result : ok(result);
        } catch (error) {
          return fail(error);
        }
      });
    });
  }
}
