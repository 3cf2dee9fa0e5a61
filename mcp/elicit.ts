/**
 * Asking the user for the Cleura SMS code through MCP elicitation: a form with
 * one integer field, or, when the server runs over HTTP and the client
 * supports it, a one-time local page (URL mode) so the code never passes
 * through the client.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AskCode } from "../mod.ts";
import { AuthError } from "../mod.ts";

/** How long the user has to enter the code, in milliseconds. */
export const CODE_TIMEOUT_MS = 300_000;

/** The parts of a tool call's `extra` that elicitation needs. */
export interface CallInfo {
  /** The id of the tool call's request. */
  requestId: string | number;
}

interface PendingPage {
  login: string;
  message: string;
  resolve(code: string): void;
  expiresAt: number;
}

/**
 * One-time pages where a user types the SMS code, served by the HTTP
 * transport at `/sms/<id>`.
 */
export class UrlCodePages {
  #pending = new Map<string, PendingPage>();
  #base: string;

  /**
   * Creates the page registry.
   *
   * @param base The server's origin, e.g. `http://127.0.0.1:8787`.
   */
  constructor(base: string) {
    this.#base = base;
  }

  /**
   * Opens a page and returns its id, URL and the code once typed.
   *
   * @param login The account, shown on the page.
   * @param message A line shown above the field.
   * @returns The page's id, URL and a promise of the code.
   */
  open(
    login: string,
    message: string,
  ): { id: string; url: string; code: Promise<string> } {
    const id = crypto.randomUUID();
    const { promise, resolve } = Promise.withResolvers<string>();
    this.#pending.set(id, {
      login,
      message,
      resolve,
      expiresAt: Date.now() + CODE_TIMEOUT_MS,
    });
    return { id, url: `${this.#base}/sms/${id}`, code: promise };
  }

  /**
   * Closes a page that is no longer needed.
   *
   * @param id The page's id.
   */
  close(id: string): void {
    this.#pending.delete(id);
  }

  /**
   * Serves `GET` and `POST` of `/sms/<id>`; any other path is not its own.
   *
   * @param request The HTTP request.
   * @param path The request's path.
   * @returns The response, or `undefined` when the path is not a code page.
   */
  async handle(request: Request, path: string): Promise<Response | undefined> {
    const match = /^\/sms\/([0-9a-f-]{36})$/.exec(path);
    if (!match) return undefined;
    const id = match[1]!;
    const page = this.#pending.get(id);
    if (!page || page.expiresAt < Date.now()) {
      this.#pending.delete(id);
      return html(404, "<p>This page has expired or was already used.</p>");
    }
    if (request.method === "GET") {
      return html(
        200,
        `<p>${escape(page.message)}</p>
<form method="post"><label>SMS code for ${escape(page.login)}:
<input name="code" inputmode="numeric" pattern="[0-9]{1,6}" maxlength="6" autocomplete="one-time-code" required autofocus></label>
<button type="submit">Send</button></form>`,
      );
    }
    if (request.method === "POST") {
      const form = await request.formData().catch(() => undefined);
      const code = String(form?.get("code") ?? "").trim();
      if (!/^\d{1,6}$/.test(code)) {
        return html(
          400,
          "<p>The code is up to 6 digits. Go back and try again.</p>",
        );
      }
      this.#pending.delete(id);
      page.resolve(code);
      return html(200, "<p>Code received. You can close this page.</p>");
    }
    return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(status: number, body: string): Response {
  return new Response(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>cloudgate: SMS code</title></head><body>${body}</body></html>`,
    {
      status,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-frame-options": "DENY",
        "content-security-policy": "default-src 'none'; form-action 'self'",
      },
    },
  );
}

function timeout<T>(promise: Promise<T>, login: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuthError(
            `Cannot log in "${login}": no SMS code was entered within 5 minutes`,
          ),
        ),
      CODE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function declined(login: string, action: string): AuthError {
  return new AuthError(
    `Cannot log in "${login}": the user ${
      action === "decline" ? "declined" : "cancelled"
    } the SMS code request, so the login was declined`,
  );
}

/**
 * Builds the `askCode` for one tool call, or `undefined` when the client
 * cannot elicit (the login then fails at once, before any SMS is sent).
 *
 * @param server The MCP server of the tool call.
 * @param call The tool call's request id, so the request is related to it.
 * @param pages URL-mode pages, when served over HTTP.
 * @returns The callback, or `undefined`.
 */
export function elicitCode(
  server: McpServer,
  call: CallInfo,
  pages: UrlCodePages | undefined,
): AskCode | undefined {
  const caps = server.server.getClientCapabilities()?.elicitation;
  if (!caps) return undefined;
  const related = { relatedRequestId: call.requestId };
  const useUrl = pages !== undefined && caps.url !== undefined;
  return async ({ login, attempt, previousError }) => {
    const intro = attempt === 1
      ? `Cleura sent an SMS with a 6-digit code to the phone of "${login}".`
      : `That code was not accepted (${
        previousError ?? "wrong code"
      }). Use the code from the same SMS.`;
    if (useUrl) {
      const message =
        `${intro} Open the page to type it; the code stays between you and cloudgate.`;
      const page = pages.open(login, intro);
      try {
        const result = await server.server.elicitInput({
          mode: "url",
          message,
          url: page.url,
          elicitationId: page.id,
        }, { ...related, timeout: CODE_TIMEOUT_MS });
        if (result.action !== "accept") throw declined(login, result.action);
        const code = await timeout(page.code, login);
        await server.server.createElicitationCompletionNotifier(
          page.id,
          related,
        )()
          .catch(() => {});
        return code;
      } finally {
        pages.close(page.id);
      }
    }
    const result = await server.server.elicitInput({
      mode: "form",
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
    }, { ...related, timeout: CODE_TIMEOUT_MS }).catch((error) => {
      throw new AuthError(
        `Cannot log in "${login}": the SMS code request failed (${
          error instanceof Error ? error.message.slice(0, 80) : "no answer"
        })`,
      );
    });
    if (result.action !== "accept") throw declined(login, result.action);
    const code = result.content?.code;
    return typeof code === "number" || typeof code === "string"
      ? code
      : undefined;
  };
}
