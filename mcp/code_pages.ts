/**
 * One-time pages where the user types the Cleura SMS code (URL-mode
 * elicitation), so that the code never passes through the MCP client. Each
 * page answers only its own unguessable path, once. Over HTTP the server
 * serves them at `/sms/<id>`; over stdio they get a loopback listener of
 * their own, started when a page opens and closed when none is left.
 *
 * @module
 */

import { AuthError } from "../lib/errors.ts";

/** How long the user has to type the code, in milliseconds (5 minutes). */
export const CODE_TIMEOUT_MS = 300_000;

interface Page {
  login: string;
  message: string;
  code: PromiseWithResolvers<string>;
  expiresAt: number;
}

/** The pages of one server process. */
export class UrlCodePages {
  #pages = new Map<string, Page>();
  #base: string | undefined;
  #listener: Deno.HttpServer<Deno.NetAddr> | undefined;
  #listening: Promise<string> | undefined;

  /**
   * Creates the registry.
   *
   * @param base The origin that serves `/sms/<id>` (the HTTP server's); when
   * omitted, the pages start a loopback listener of their own on demand.
   */
  constructor(base?: string) {
    this.#base = base;
  }

  /**
   * Opens a page.
   *
   * @param login The account, shown on the page.
   * @param message A line shown above the field.
   * @returns The page's id and URL.
   */
  async open(
    login: string,
    message: string,
  ): Promise<{ id: string; url: string }> {
    const id = crypto.randomUUID();
    this.#pages.set(id, {
      login,
      message,
      code: Promise.withResolvers<string>(),
      expiresAt: Date.now() + CODE_TIMEOUT_MS,
    });
    const base = this.#base ?? await this.#listen();
    return { id, url: `${base}/sms/${id}` };
  }

  /**
   * Waits for the code typed on a page, then closes the page.
   *
   * @param id The page's id.
   * @param login The account, for the error messages.
   * @param signal Aborts the wait.
   * @returns The code as typed (up to six digits).
   * @throws {AuthError} When the page is unknown (it belongs to another
   * server instance, or was used), or no code came within 5 minutes.
   */
  async take(id: string, login: string, signal?: AbortSignal): Promise<string> {
    const page = this.#pages.get(id);
    if (!page) {
      throw new AuthError(
        `Cannot log in "${login}": the SMS code page is gone (it was used, expired, or belongs to another server instance); call the tool again`,
      );
    }
    const { promise: stop, reject } = Promise.withResolvers<never>();
    const timer = setTimeout(
      () =>
        reject(
          new AuthError(
            `Cannot log in "${login}": no SMS code was typed on the page within 5 minutes`,
          ),
        ),
      Math.max(0, page.expiresAt - Date.now()),
    );
    const onAbort = () =>
      reject(new AuthError(`Cannot log in "${login}": the call was cancelled`));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([page.code.promise, stop]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.close(id);
    }
  }

  /**
   * Closes a page that is no longer needed.
   *
   * @param id The page's id.
   */
  close(id: string): void {
    this.#pages.delete(id);
    if (this.#pages.size === 0 && this.#listener) {
      const listener = this.#listener;
      this.#listener = undefined;
      this.#listening = undefined;
      listener.shutdown().catch(() => {});
    }
  }

  /** Closes every page and the own listener, if any. */
  async closeAll(): Promise<void> {
    this.#pages.clear();
    const listener = this.#listener;
    this.#listener = undefined;
    this.#listening = undefined;
    await listener?.shutdown().catch(() => {});
  }

  #listen(): Promise<string> {
    this.#listening ??= new Promise<string>((resolve, reject) => {
      try {
        this.#listener = Deno.serve(
          {
            hostname: "127.0.0.1",
            port: 0,
            onListen: (addr) => resolve(`http://127.0.0.1:${addr.port}`),
            onError: () => html(500, "<p>Something went wrong.</p>"),
          },
          async (request) =>
            (await this.handle(request, new URL(request.url).pathname)) ??
              html(404, "<p>Not found.</p>"),
        );
      } catch (error) {
        reject(
          new AuthError(
            "Cannot open the SMS code page: cannot listen on 127.0.0.1 (run the server with --allow-net=127.0.0.1)",
            { cause: error },
          ),
        );
      }
    });
    return this.#listening;
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
    const page = this.#pages.get(match[1]!);
    if (!page || page.expiresAt < Date.now()) {
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
      page.expiresAt = 0;
      page.code.resolve(code);
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
