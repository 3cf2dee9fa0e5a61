/**
 * The Cleura login of a tool call, written once as a multi round-trip
 * request: the first call sends the SMS and answers `input_required` with a
 * question for the code (URL mode when the client has it, else a form); the
 * retry carries the answer and the sealed state. On 2025 connections the
 * SDK's legacy shim turns the same answer into a real `elicitation/create`.
 * A client that declared no elicitation gets a tool error with the link of a
 * one-time code page instead: the user types the code there, the page logs
 * in, and the retried call (or any later one) finds the token.
 *
 * @module
 */

import {
  acceptedContent,
  type InputRequest,
  inputRequired,
  type InputRequiredResult,
  inputResponse,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { CleuraSession } from "../lib/cleura/session.ts";
import {
  LoginRequiredError,
  type SessionCallOptions,
} from "../lib/cleura/session_options.ts";
import type { HttpOptions } from "../lib/http.ts";
import { ApiError, AuthError, SmsCodeRequiredError } from "../lib/errors.ts";
import { cleanText } from "../lib/text.ts";
import type { CodeVerdict, OpenPage } from "./code_pages.ts";
import type { ToolCall } from "./tool.ts";

/** How many codes the user may try for one SMS. */
export const CODE_ATTEMPTS = 2;

const CODE_KEY = "code";
const codeAnswer = z.object({
  code: z.coerce.number().int().min(0).max(999_999),
});

/** What the sealed `requestState` of an SMS question holds. */
interface SmsState {
  /** The tool the question was asked for. */
  tool: string;
  /** The account and API. */
  login: string;
  api: string;
  /** The verification handle (a secret: the state is encrypted). */
  v: string;
  /** How the code is asked for. */
  mode: "form" | "url";
  /** The code page, in URL mode. */
  page?: string;
  /** Which try this is (1 for the first). */
  n: number;
  /** The gate holder's id. */
  ask: string;
  /** What the user already confirmed for this call (see `confirm.ts`). */
  bind?: string;
}

/**
 * Runs a Cleura call for a tool, logging in first when there is no token: it
 * returns the call's value, or the `input_required` answer that asks for the
 * SMS code.
 *
 * @param call The tool call.
 * @param fn The API call, given the session and the options to pass on.
 * @param bind What the user confirmed before this login (kept in the SMS
 * question's sealed state, so the retry still counts as confirmed).
 * @returns `fn`'s value, or a request for the code.
 */
export async function withCleura<T>(
  call: ToolCall,
  fn: (session: CleuraSession, options: SessionCallOptions) => Promise<T>,
  bind?: string,
): Promise<T | InputRequiredResult> {
  const session = await call.ctx.cleura();
  const http = { ...call.ctx.http, signal: call.signal };
  const opened = call.state<Partial<SmsState>>();
  // A confirmation's state (no verification handle) is not an SMS question.
  const state = opened?.v === undefined ? undefined : opened as SmsState;
  if (state !== undefined) {
    const again = await answer(call, session, state);
    if (again) return again;
  }
  for (let round = 1;; round++) {
    try {
      return await fn(session, { ...http, login: false });
    } catch (error) {
      if (!(error instanceof LoginRequiredError) || round > 1) throw error;
    }
    const question = await login(call, session, bind);
    if (question) return question;
  }
}

async function login(
  call: ToolCall,
  session: CleuraSession,
  bind: string | undefined,
): Promise<InputRequiredResult | undefined> {
  const { gate } = call.ctx;
  const http = { ...call.ctx.http, signal: call.signal };
  if (!call.elicitation) return await throughPage(call, session);
  // Check and take the gate with no await in between, so that calls that
  // arrive together wait for the first one's question instead of each asking.
  for (;;) {
    if (await session.storedToken()) return undefined;
    if (!gate.held || await gate.wait(call.signal) === "bound") break;
  }
  const id = gate.hold(call.era === "legacy", call.signal);
  try {
    const step = await session.steps.begin(http);
    if (step.kind === "token") {
      gate.release(id);
      return undefined;
    }
    await session.steps.sendSms(step.verification, http);
    return await ask(call, session, {
      v: step.verification,
      n: 1,
      ask: id,
      bind,
    });
  } catch (error) {
    gate.release(id);
    throw error;
  }
}

/** The account's key among the code pages: one page per API and login. */
function pageKey(session: CleuraSession): string {
  return `${session.apiUrl} ${session.login}`;
}

/** Whether an error of the code's check means "wrong code, try again". */
function isWrongCode(error: unknown): boolean {
  return error instanceof AuthError ||
    (error instanceof ApiError &&
      (error.status === 400 || error.status === 401));
}

/**
 * Checks a code with Cleura: accepted (the token is kept), or why it was
 * not; any other failure closes the challenge and is thrown.
 */
async function check(
  session: CleuraSession,
  verification: string,
  code: number,
  http: HttpOptions,
): Promise<CodeVerdict> {
  try {
    await session.steps.finish(verification, code, http);
    return "accepted";
  } catch (error) {
    if (isWrongCode(error)) return { wrong: (error as Error).message };
    session.steps.drop(verification);
    throw error;
  }
}

/**
 * Opens (or finds) the account's code page, which checks what is typed on
 * it with Cleura. The page outlives the call, so its checks use the
 * context's timeout but not the call's signal.
 */
function openPage(
  call: ToolCall,
  session: CleuraSession,
  verification: string,
  message: string,
  onAccepted?: () => void,
): Promise<OpenPage> {
  const http = call.ctx.http;
  return call.ctx.pages.open({
    key: pageKey(session),
    login: session.login,
    message,
    verify: async (code) =>
      await session.storedToken()
        ? "accepted"
        : await check(session, verification, code, http),
    onExhausted: () => session.steps.drop(verification),
    ...(onAccepted ? { onAccepted } : {}),
  });
}

/**
 * The login of a client that cannot ask: the SMS (one per challenge) and a
 * tool error with the link of the account's code page. A retry before the
 * code was typed gets the same link and sends nothing.
 */
async function throughPage(
  call: ToolCall,
  session: CleuraSession,
): Promise<undefined> {
  if (await session.storedToken()) return undefined;
  const login = session.login;
  const open = call.ctx.pages.find(pageKey(session));
  if (open) {
    throw new AuthError(
      `The SMS code for "${login}" has not been typed yet. ${pageHint(open)}`,
    );
  }
  const http = { ...call.ctx.http, signal: call.signal };
  const step = await session.steps.begin(http);
  if (step.kind === "token") return undefined;
  let page: OpenPage;
  try {
    page = await openPage(
      call,
      session,
      step.verification,
      `Cleura sent an SMS with a 6-digit code to the phone of "${login}". Type it here to finish the login.`,
    );
  } catch (error) {
    throw new SmsCodeRequiredError(
      `Cannot log in "${login}": the account needs an SMS code, this MCP client cannot ask for it, and ${
        (error as Error).message.replace(/^Cannot/, "cloudgate cannot")
      }`,
      { cause: error },
    );
  }
  try {
    await session.steps.sendSms(step.verification, http);
  } catch (error) {
    call.ctx.pages.close(page.id);
    throw error;
  }
  throw new AuthError(
    `Cleura sent an SMS code to the phone of "${login}", and this MCP client cannot ask for it. ${
      pageHint(page)
    }`,
  );
}

/** What the user does with a code page, for a client that cannot ask. */
function pageHint(page: OpenPage): string {
  return `Ask the user to open ${page.url} in a browser and type the code there, then call this tool again. The link works once, for 5 minutes; the code never passes through this conversation.`;
}

/** One question's place: the handle, the try, the gate holder, the binding. */
type Round = Pick<SmsState, "v" | "n" | "ask"> & { bind?: string | undefined };

async function ask(
  call: ToolCall,
  session: CleuraSession,
  round: Round,
  previousError?: string,
): Promise<InputRequiredResult> {
  const { v: verification, n: attempt, ask: id, bind } = round;
  // Every question's text is cleaned like any other output (the login comes
  // from the environment, the reason from the API).
  const login = cleanText(session.login, { multiline: false });
  const intro = cleanText(
    attempt === 1
      ? `Cleura sent an SMS with a 6-digit code to the phone of "${login}".`
      : `That code was not accepted (${
        previousError ?? "wrong code"
      }). Use the code from the same SMS.`,
    { multiline: false },
  );
  let request: InputRequest;
  let page: string | undefined;
  if (call.elicitation?.url) {
    const complete = call.completeElicitation;
    const opened = await openPage(
      call,
      session,
      verification,
      `${intro} Type it here to finish the login.`,
      complete && (() => complete(opened.id)),
    );
    page = opened.id;
    request = inputRequired.elicitUrl(
      {
        message:
          `${intro} Open the page to type it; the code stays between you and cloudgate.`,
        url: opened.url,
        // A 2025 client is told with notifications/elicitation/complete when
        // the page took the code; the id is the page's (2026-07-28 has none).
        ...(complete ? { elicitationId: opened.id } : {}),
      } as Parameters<typeof inputRequired.elicitUrl>[0],
    );
  } else {
    request = inputRequired.elicit({
      message: `${intro} Enter it to finish the login.`,
      requestedSchema: {
        type: "object",
        properties: {
          code: {
            type: "integer",
            title: "SMS code",
            description: `The 6-digit code sent to the phone of "${login}"`,
            minimum: 0,
            maximum: 999999,
          },
        },
        required: ["code"],
      },
    });
  }
  const state: SmsState = {
    tool: call.tool,
    login,
    api: session.apiUrl,
    v: verification,
    mode: page === undefined ? "form" : "url",
    ...(page === undefined ? {} : { page }),
    n: attempt,
    ask: id,
    ...(bind === undefined ? {} : { bind }),
  };
  const requestState = await call.ctx.state.seal(state);
  call.ctx.gate.asked(id);
  return inputRequired({
    inputRequests: { [CODE_KEY]: request },
    requestState,
  });
}

/** Reads the answer of a retried call; `undefined` once logged in. */
async function answer(
  call: ToolCall,
  session: CleuraSession,
  state: SmsState,
): Promise<InputRequiredResult | undefined> {
  if (
    state.tool !== call.tool || state.login !== session.login ||
    state.api !== session.apiUrl
  ) {
    throw new AuthError(
      `Cannot use this requestState: it was issued for another tool or account; call ${call.tool} again without it`,
    );
  }
  const { gate } = call.ctx;
  const login = session.login;
  const release = () => {
    gate.release(state.ask);
    if (state.page) call.ctx.pages.close(state.page);
  };
  if (await session.storedToken()) {
    release();
    return undefined;
  }
  const view = inputResponse(call.inputResponses, CODE_KEY);
  if (view.kind === "elicit" && view.action !== "accept") {
    release();
    throw new AuthError(
      `Cannot log in "${login}": the user ${
        view.action === "decline" ? "declined" : "cancelled"
      } the SMS code request`,
    );
  }
  if (view.kind !== "elicit") return await ask(call, session, state);
  if (state.mode === "url") {
    // The page checks the code itself; the call waits for its outcome.
    try {
      await call.ctx.pages.outcome(state.page ?? "", login, call.signal);
    } catch (error) {
      if (await session.storedToken()) return undefined;
      release();
      throw error;
    } finally {
      gate.release(state.ask);
    }
    return undefined;
  }
  const code = acceptedContent(call.inputResponses, CODE_KEY, codeAnswer)
    ?.code;
  const http = { ...call.ctx.http, signal: call.signal };
  const verdict = code === undefined
    ? { wrong: "The SMS code must be a whole number of up to 6 digits" }
    : await check(session, state.v, code, http).catch((error) => {
      release();
      throw error;
    });
  if (verdict === "accepted") {
    release();
    return undefined;
  }
  if (state.n >= CODE_ATTEMPTS) {
    release();
    throw new AuthError(
      `${verdict.wrong}; the code was not accepted ${CODE_ATTEMPTS} times, call the tool again to try once more with the same SMS`,
    );
  }
  return await ask(call, session, { ...state, n: state.n + 1 }, verdict.wrong);
}
