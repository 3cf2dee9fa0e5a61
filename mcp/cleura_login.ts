/**
 * The Cleura login of a tool call, written once as a multi round-trip
 * request: the first call sends the SMS and answers `input_required` with a
 * question for the code (URL mode when the client has it, else a form); the
 * retry carries the answer and the sealed state. On 2025 connections the
 * SDK's legacy shim turns the same answer into a real `elicitation/create`.
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
import { ApiError, AuthError, SmsCodeRequiredError } from "../lib/errors.ts";
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
  const session = call.ctx.cleura();
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
    if (!call.elicitation) {
      throw new SmsCodeRequiredError(
        `Cannot log in "${session.login}": the account needs an SMS code and this MCP client cannot ask for it`,
      );
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

/** One question's place: the handle, the try, the gate holder, the binding. */
type Round = Pick<SmsState, "v" | "n" | "ask"> & { bind?: string | undefined };

async function ask(
  call: ToolCall,
  session: CleuraSession,
  round: Round,
  previousError?: string,
): Promise<InputRequiredResult> {
  const { v: verification, n: attempt, ask: id, bind } = round;
  const login = session.login;
  const intro = attempt === 1
    ? `Cleura sent an SMS with a 6-digit code to the phone of "${login}".`
    : `That code was not accepted (${
      previousError ?? "wrong code"
    }). Use the code from the same SMS.`;
  let request: InputRequest;
  let page: string | undefined;
  if (call.elicitation?.url) {
    const opened = await call.ctx.pages.open(login, intro);
    page = opened.id;
    request = inputRequired.elicitUrl({
      message:
        `${intro} Open the page to type it; the code stays between you and cloudgate.`,
      url: opened.url,
    });
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
  if (view.kind !== "elicit") {
    if (state.page) call.ctx.pages.close(state.page);
    return await ask(call, session, state);
  }
  let code: number | string | undefined;
  try {
    code = state.mode === "url"
      ? await call.ctx.pages.take(state.page ?? "", login, call.signal)
      : acceptedContent(call.inputResponses, CODE_KEY, codeAnswer)?.code;
  } catch (error) {
    release();
    throw error;
  }
  const http = { ...call.ctx.http, signal: call.signal };
  try {
    if (code === undefined) {
      throw new AuthError(
        "The SMS code must be a whole number of up to 6 digits",
      );
    }
    await session.steps.finish(state.v, code, http);
    release();
    return undefined;
  } catch (error) {
    const wrongCode = error instanceof AuthError ||
      (error instanceof ApiError &&
        (error.status === 400 || error.status === 401));
    if (!wrongCode) {
      session.steps.drop(state.v);
      release();
      throw error;
    }
    if (state.n >= CODE_ATTEMPTS) {
      release();
      throw new AuthError(
        `${
          (error as Error).message
        }; the code was not accepted ${CODE_ATTEMPTS} times, call the tool again to try once more with the same SMS`,
        { cause: error },
      );
    }
    return await ask(
      call,
      session,
      { ...state, n: state.n + 1 },
      (error as Error).message,
    );
  }
}
