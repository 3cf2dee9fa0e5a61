/**
 * The user's confirmation of a change, asked through a form elicitation
 * written as a multi round-trip request (the SDK's legacy shim turns it into
 * `elicitation/create` for 2025 clients). The confirmation is bound to what
 * it names: the sealed state holds the tool and the exact target (for a
 * cluster, its present version too), so a retry for another cluster, or for
 * one that changed since, asks again.
 *
 * @module
 */

import {
  acceptedContent,
  inputRequired,
  type InputRequiredResult,
  inputResponse,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { CloudgateError } from "../lib/errors.ts";
import { cleanText } from "../lib/text.ts";
import type { ToolCall } from "./tool.ts";

const CONFIRM_KEY = "confirm";
const confirmAnswer = z.object({ confirm: z.boolean() });

/** What the sealed state of a confirmation holds. */
interface ConfirmState {
  /** The tool that asked. */
  tool: string;
  /** What was asked about, e.g. `hibernate sto2/p1/prod-cluster`. */
  confirm: string;
}

/** A change the user must confirm. */
export interface Change {
  /** The target, exactly: the binding of the confirmation. */
  key: string;
  /** The question, naming the target, e.g. `Hibernate cluster "prod"…?`. */
  question: string;
  /** The checkbox's title, e.g. `Hibernate prod-cluster`. */
  title: string;
  /** The refusal's hint for a client that cannot ask (the CLI command). */
  instead: string;
  /** What did not happen when the user says no, e.g. `cluster "x" was not hibernated`. */
  unchanged: string;
}

/**
 * Refuses a change at once when the client cannot ask the user (no form
 * elicitation), before anything is sent to the API.
 *
 * @throws {CloudgateError} Naming what the user can do instead.
 */
export function refuseWithoutForm(
  call: ToolCall,
  change: Pick<Change, "instead">,
): void {
  if (!call.elicitation?.form) {
    throw new CloudgateError(
      `This MCP client cannot ask the user to confirm (it has no form elicitation), so nothing was changed; ${change.instead}`,
    );
  }
}

/**
 * What this call's state says the user confirmed for this tool, to keep in
 * the state of a login that must come first (see `withCleura`'s `bind`).
 */
export function confirmedKey(call: ToolCall): string | undefined {
  const state = call.state<Partial<ConfirmState>>();
  return state?.tool === call.tool ? state.confirm : undefined;
}

/**
 * Whether the user confirmed this change in this call: `true`, or the
 * `input_required` answer that asks them.
 *
 * @throws {CloudgateError} When the user declines or cancels, or the client
 * cannot ask (no form elicitation): nothing is changed.
 */
export async function confirmed(
  call: ToolCall,
  change: Change,
): Promise<true | InputRequiredResult> {
  const state = call.state<Partial<ConfirmState> & { bind?: string }>();
  // The SMS question of a login that followed this confirmation.
  if (state?.bind === change.key && state.tool === call.tool) return true;
  if (state?.confirm === change.key && state.tool === call.tool) {
    const view = inputResponse(call.inputResponses, CONFIRM_KEY);
    if (view.kind === "elicit") {
      const answer = view.action === "accept"
        ? acceptedContent(call.inputResponses, CONFIRM_KEY, confirmAnswer)
        : undefined;
      if (answer?.confirm === true) return true;
      throw new CloudgateError(
        `The user did not confirm (${
          view.action === "accept"
            ? "unchecked"
            : view.action === "decline"
            ? "declined"
            : "cancelled"
        }): ${change.unchanged}`,
      );
    }
  }
  refuseWithoutForm(call, change);
  const sealed: ConfirmState = { tool: call.tool, confirm: change.key };
  return inputRequired({
    inputRequests: {
      [CONFIRM_KEY]: inputRequired.elicit({
        message: cleanText(change.question, { multiline: false }),
        requestedSchema: {
          type: "object",
          properties: {
            confirm: {
              type: "boolean",
              title: cleanText(change.title, { multiline: false }),
              description: "Check to confirm; nothing changes otherwise",
            },
          },
          required: ["confirm"],
        },
      }),
    },
    requestState: await call.ctx.state.seal(sealed),
  });
}
