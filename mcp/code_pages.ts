/**
 * One-time pages where the user types the Cleura SMS code, so that the code
 * never passes through the MCP client or the model. A page checks the code
 * with Cleura when it is submitted and says at once whether it was accepted;
 * a wrong code may be typed again on the same page, {@linkcode PAGE_ATTEMPTS}
 * times in all. Each page answers only its own unguessable path, once, and
 * holds no secret in its link: the verification handle stays in the
 * server's memory. Over HTTP the server serves the pages at `/sms/<id>`
 * behind its own Host and Origin checks; over stdio they get a loopback
 * listener of their own, with the same checks, started when a page opens and
 * closed when none is left. An expired page is swept at once.
 *
 * @module
 */

import { AuthError, CloudgateError } from "../lib/errors.ts";
import { cleanText } from "../lib/text.ts";
import { authority } from "./http_guard.ts";

/** How long a page, or a 2025 client's open question, lives (5 minutes). */
export const CODE_TIMEOUT_MS = 300_000;

/**
 * How many codes may be typed on one page: as many as Cleura takes for one
 * SMS (the emulator refuses the verification after three wrong codes).
 */
export const PAGE_ATTEMPTS = 3;

/** What checking a code gave: accepted, or why it was not. */
export type CodeVerdict = "accepted" | { wrong: string };

/** What a page is for. */
export interface CodePageSpec {
  /**
   * The account (API and login): one page per account is open at a time,
   * and opening another for the same key returns it.
   */
  key: string;
  /** The login, shown on the page. */
  login: string;
  /** A line shown above the field (cleaned before it is shown). */
  message: string;
  /**
   * Checks a code with Cleura. A thrown error (the API unreachable, the SMS
   * expired) closes the page with its message.
   */
  verify(code: number): Promise<CodeVerdict>;
  /** Called once, when the code was accepted. */
  onAccepted?: () => void;
  /** Called once, when the last try was not accepted (the SMS is spent). */
  onExhausted?: () => void;
}

/** An open page: where it is. */
export interface OpenPage {
  /** The page's id (a random UUID). */
  id: string;
  /** The link the user opens. */
  url: string;
}

interface Page extends OpenPage {
  spec: CodePageSpec;
  expiresAt: number;
  tries: number;
  checking: boolean;
  done: PromiseWithResolvers<void>;
  timer: ReturnType<typeof setTimeout>;
}

/** The pages of one server process. */
export class UrlCodePages {
  #pages = new Map<string, Page>();
  #base: string | undefined;
  #listener: Deno.HttpServer<Deno.NetAddr> | undefined;
  #listening: Promise<string> | undefined;
  #port = "";
  #ttlMs: number;

  /**
   * Creates the registry.
   *
   * @param base The origin that serves `/sms/<id>` (the HTTP server's); when
   * omitted, the pages start a loopback listener of their own on demand.
   * @param ttlMs How long a page lives (default {@linkcode CODE_TIMEOUT_MS}).
   */
  constructor(base?: string, ttlMs: number = CODE_TIMEOUT_MS) {
    this.#base = base;
    this.#ttlMs = ttlMs;
  }

  /**
   * Opens a page for an account, or returns the one already open for it.
   *
   * @param spec The account, the message and how to check a code.
   * @returns The page's id and URL.
   * @throws {AuthError} When no loopback listener can be started.
   */
  async open(spec: CodePageSpec): Promise<OpenPage> {
    const open = this.find(spec.key);
    if (open) return open;
    const base = this.#base ?? await this.#listen();
    const again = this.find(spec.key);
    if (again) return again;
    const id = crypto.randomUUID();
    const done = Promise.withResolvers<void>();
    // Nobody may wait for the outcome (a client that cannot ask retries).
    done.promise.catch(() => {});
    const page: Page = {
      id,
      url: `${base}/sms/${id}`,
      spec,
      expiresAt: Date.now() + this.#ttlMs,
      tries: 0,
      checking: false,
      done,
      timer: setTimeout(
        () =>
          this.#end(
            page,
            new AuthError(
              `Cannot log in "${spec.login}": no SMS code was typed on the page within ${
                during(this.#ttlMs)
              }`,
            ),
          ),
        this.#ttlMs,
      ),
    };
    this.#pages.set(id, page);
    return { id, url: page.url };
  }

  /**
   * The page open for an account, if any.
   *
   * @param key The account, as given to {@linkcode UrlCodePages.open}.
   * @returns The page, or `undefined`.
   */
  find(key: string): OpenPage | undefined {
    for (const page of this.#pages.values()) {
      if (page.spec.key === key) return { id: page.id, url: page.url };
    }
    return undefined;
  }

  /**
   * Waits until the code typed on a page was accepted.
   *
   * @param id The page's id.
   * @param login The account, for the error messages.
   * @param signal Aborts the wait (the page stays open).
   * @throws {AuthError} When the page is unknown (used, expired, or another
   * server instance's), was closed, or its code was not accepted.
   */
  async outcome(
    id: string,
    login: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const page = this.#pages.get(id);
    if (!page) {
      throw new AuthError(
        `Cannot log in "${login}": the SMS code page is gone (it was used, expired, or belongs to another server instance); call the tool again`,
      );
    }
    const stop = Promise.withResolvers<never>();
    const onAbort = () =>
      stop.reject(
        new AuthError(`Cannot log in "${login}": the call was cancelled`),
      );
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([page.done.promise, stop.promise]);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Closes a page that is no longer needed; who waits for it is told.
   *
   * @param id The page's id.
   */
  close(id: string): void {
    const page = this.#pages.get(id);
    if (page) {
      this.#end(
        page,
        new AuthError(
          `Cannot log in "${page.spec.login}": the SMS code page was closed`,
        ),
      );
    }
  }

  /** Closes every page and the own listener, if any. */
  async closeAll(): Promise<void> {
    for (const page of [...this.#pages.values()]) this.close(page.id);
    await this.#stopListening();
  }

  /** Forgets a page (resolving or rejecting its outcome) and sweeps the listener. */
  #end(page: Page, error?: Error): void {
    if (this.#pages.get(page.id) !== page) return;
    this.#pages.delete(page.id);
    clearTimeout(page.timer);
    if (error) page.done.reject(error);
    else page.done.resolve();
    if (this.#pages.size === 0) this.#stopListening();
  }

  async #stopListening(): Promise<void> {
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
            onListen: (addr) => {
              this.#port = String(addr.port);
              resolve(`http://127.0.0.1:${addr.port}`);
            },
            onError: () => html(500, "<p>Something went wrong.</p>"),
          },
          async (request) =>
            this.#foreign(request) ??
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

  /** The own listener's Host and Origin check, as `/mcp` has (DNS rebinding, cross-site posts). */
  #foreign(request: Request): Response | undefined {
    const own = (value: { hostname: string; port: string } | undefined) =>
      value !== undefined && value.port === this.#port &&
      (value.hostname === "127.0.0.1" || value.hostname === "localhost");
    if (!own(authority(request.headers.get("host") ?? "", "http"))) {
      return html(403, "<p>Forbidden: invalid Host header.</p>");
    }
    const origin = request.headers.get("origin");
    if (origin !== null && !own(authority(origin, "origin"))) {
      return html(403, "<p>Forbidden: invalid Origin header.</p>");
    }
    return undefined;
  }

  /**
   * Serves `GET` and `POST` of `/sms/<id>`; any other path is not its own.
   *
   * @param request The HTTP request (its Host and Origin already checked).
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
    if (request.method === "GET") return form(200, page);
    if (request.method !== "POST") {
      return new Response(null, {
        status: 405,
        headers: { allow: "GET, POST" },
      });
    }
    const typed = await request.formData().catch(() => undefined);
    const code = String(typed?.get("code") ?? "").trim();
    if (!/^\d{1,6}$/.test(code)) {
      return form(400, page, "The code is up to 6 digits.");
    }
    if (page.checking) {
      return form(409, page, "A code is being checked: wait a moment.");
    }
    page.checking = true;
    let verdict: CodeVerdict;
    try {
      verdict = await page.spec.verify(Number(code));
    } catch (error) {
      const message = error instanceof CloudgateError
        ? error.message
        : "Cannot check the code";
      this.#end(page, error instanceof Error ? error : new Error(message));
      return html(502, `<p>${escape(oneLine(message))}</p>`);
    } finally {
      page.checking = false;
    }
    if (verdict === "accepted") {
      this.#end(page);
      page.spec.onAccepted?.();
      return html(
        200,
        "<p>Code accepted: you are logged in. You can close this page and ask your assistant to go on.</p>",
      );
    }
    page.tries++;
    if (page.tries >= PAGE_ATTEMPTS) {
      const message =
        `${verdict.wrong}; the code was not accepted ${PAGE_ATTEMPTS} times, so this SMS is spent: call the tool again for a new one`;
      this.#end(page, new AuthError(message));
      page.spec.onExhausted?.();
      return html(400, `<p>${escape(oneLine(message))}.</p>`);
    }
    return form(
      400,
      page,
      `That code was not accepted (${verdict.wrong}). Try again: ${
        PAGE_ATTEMPTS - page.tries
      } ${PAGE_ATTEMPTS - page.tries === 1 ? "try" : "tries"} left.`,
    );
  }
}

/** A duration for a message: `5 minutes`, or seconds below one. */
function during(ms: number): string {
  return ms >= 60_000
    ? `${Math.round(ms / 60_000)} minutes`
    : `${Math.ceil(ms / 1000)} s`;
}

function oneLine(text: string): string {
  return cleanText(text, { multiline: false });
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page with its field, and a line about the last try when there was one. */
function form(status: number, page: Page, note?: string): Response {
  return html(
    status,
    `<p>${escape(oneLine(page.spec.message))}</p>
${
      note
        ? `<p role="alert">${escape(note)}</p>\n`
        : ""
    }<form method="post"><label>SMS code for ${
      escape(oneLine(page.spec.login))
    }:
<input name="code" inputmode="numeric" pattern="[0-9]{1,6}" maxlength="6" autocomplete="one-time-code" required autofocus></label>
<button type="submit">Send</button></form>`,
  );
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
        "referrer-policy": "same-origin",
        "content-security-policy": "default-src 'none'; form-action 'self'",
      },
    },
  );
}
