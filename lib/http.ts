/**
 * The HTTP core: the one path from cloudgate to `fetch`. It joins URLs, sends
 * and parses JSON, enforces a timeout and a response size cap, retries only
 * idempotent reads, and turns every failure into a typed error whose message
 * names the step and never holds a secret.
 *
 * @module
 */

import { sleep } from "./_sleep.ts";
import { readLimited } from "./bytes.ts";
import { redact } from "./redact.ts";
import { serverMessage } from "./server_text.ts";
import {
  ApiError,
  CloudgateError,
  ConfigError,
  NetworkError,
  ResponseFormatError,
  TimeoutError,
} from "./errors.ts";

/**
 * The default per-request timeout, in milliseconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_TIMEOUT_MS } from "@cloudgate/toolkit";
 *
 * console.log(DEFAULT_TIMEOUT_MS); // 30000
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * The largest response body cloudgate reads, in bytes (10 MiB).
 *
 * @example
 * ```ts
 * import { MAX_RESPONSE_BYTES } from "@cloudgate/toolkit";
 *
 * console.log(MAX_RESPONSE_BYTES / 1024 / 1024); // 10
 * ```
 */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/**
 * How many attempts a read gets at most.
 *
 * @example
 * ```ts
 * import { MAX_ATTEMPTS } from "@cloudgate/toolkit";
 *
 * console.log(MAX_ATTEMPTS); // 3
 * ```
 */
export const MAX_ATTEMPTS = 3;
/**
 * The longest wait a `Retry-After` header can impose, in milliseconds.
 *
 * @example
 * ```ts
 * import { MAX_RETRY_AFTER_MS } from "@cloudgate/toolkit";
 *
 * console.log(MAX_RETRY_AFTER_MS); // 10000
 * ```
 */
export const MAX_RETRY_AFTER_MS = 10_000;

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Options shared by every call that reaches the network. */
export interface HttpOptions {
  /** Per-request timeout in milliseconds (default 30,000). */
  timeoutMs?: number;
  /** Cancels the request when aborted. */
  signal?: AbortSignal;
  /** The base of the backoff between retries, in milliseconds (default 250). */
  retryDelayMs?: number;
}

/** One request to send through {@linkcode httpRequest}. */
export interface HttpRequest {
  /** The API's base URL, e.g. `https://rest.cleura.cloud`. */
  baseUrl: string;
  /** The path below the base URL, e.g. `auth/v1/tokens`. */
  path: string;
  /** The HTTP method (default `GET`). Only `GET` is ever retried. */
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** A value to send as a JSON body. */
  body?: unknown;
  /** Extra headers, such as the authentication headers. */
  headers?: Record<string, string>;
  /** What is being done, worded to follow "Cannot", e.g. `list domains`. */
  step: string;
  /** Values that must never appear in an error message. */
  secrets?: readonly (string | undefined)[];
  /** Ignore a 2xx answer's body (an API that says "accepted" in any form). */
  ignoreBody?: boolean;
  /**
   * Return a 2xx answer's body as the text it is, whatever its content type
   * (such as a kubeconfig the API serves as `text/html`), never parsed.
   */
  text?: boolean;
}

/** A successful answer: a 2xx status and its parsed JSON body. */
export interface HttpResponse {
  /** The HTTP status (2xx). */
  status: number;
  /**
   * The parsed JSON body, or `undefined` when the body was empty; the text
   * itself for a request with `text`.
   */
  body: unknown;
  /** The path that answered, e.g. `/accesscontrol/v1/openstack/domains`. */
  endpoint: string;
}

/**
 * Picks the {@linkcode HttpOptions} out of a larger options object, leaving
 * out the ones that are not set.
 *
 * @param options Any options object.
 * @returns Its timeout, signal and retry backoff.
 *
 * @example
 * ```ts
 * import { httpOptionsOf } from "./http.ts";
 *
 * const options = { timeoutMs: 5000, login: "alice" };
 * console.log(httpOptionsOf(options)); // { timeoutMs: 5000 }
 * ```
 */
export function httpOptionsOf(options: HttpOptions): HttpOptions {
  const { timeoutMs, signal, retryDelayMs } = options;
  return {
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(signal === undefined ? {} : { signal }),
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  };
}

/**
 * Joins a base URL and a path with exactly one slash between them, keeping
 * the base URL's own path (`.../api/v2` + `deployments/1` →
 * `.../api/v2/deployments/1`).
 *
 * @param baseUrl The API's base URL.
 * @param path The path below it.
 * @returns The full URL.
 *
 * @example
 * ```ts
 * import { joinUrl } from "./http.ts";
 *
 * console.log(joinUrl("https://cas-rest.itopia.com/api/v2/", "/accounts/login/"));
 * // https://cas-rest.itopia.com/api/v2/accounts/login/
 * ```
 */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * Sends one request and returns its parsed JSON body.
 *
 * A `GET` that meets a network error or a 429, 502, 503 or 504 is tried up to
 * three times, waiting as `Retry-After` says (at most 10 s) or with a growing
 * backoff. A `POST` or `DELETE` is never retried: it may send an SMS or lock an
 * account.
 *
 * @param request What to send.
 * @param options Timeout, abort signal and retry backoff.
 * @returns The status and parsed body of a 2xx answer.
 * @throws {ApiError} On a non-2xx status.
 * @throws {TimeoutError} When the timeout passes first.
 * @throws {NetworkError} When the server cannot be reached or the connection breaks.
 * @throws {ResponseFormatError} On a body that is not JSON or is over 10 MiB.
 * @throws {ConfigError} When Deno's permissions do not allow the host.
 *
 * @example
 * ```ts ignore
 * import { httpRequest } from "@cloudgate/toolkit";
 *
 * const { body } = await httpRequest({
 *   baseUrl: "https://rest.cleura.cloud",
 *   path: "accesscontrol/v1/openstack/domains",
 *   headers: { "X-AUTH-LOGIN": "alice", "X-AUTH-TOKEN": "secret" },
 *   step: "list domains",
 * });
 * ```
 */
export async function httpRequest(
  request: HttpRequest,
  options: HttpOptions = {},
): Promise<HttpResponse> {
  const method = request.method ?? "GET";
  const attempts = method === "GET" ? MAX_ATTEMPTS : 1;
  for (let attempt = 1;; attempt++) {
    try {
      return await attemptOnce(request, method, options);
    } catch (error) {
      const wait = retryWait(error, attempt, attempts, options);
      if (wait === undefined) throw error;
      await sleep(wait, options.signal);
    }
  }
}

class Retryable extends Error {
  constructor(readonly error: CloudgateError, readonly waitMs?: number) {
    super(error.message);
  }
}

function retryWait(
  error: unknown,
  attempt: number,
  attempts: number,
  options: HttpOptions,
): number | undefined {
  if (!(error instanceof Retryable)) return undefined;
  if (attempt >= attempts) throw error.error;
  const base = options.retryDelayMs ?? 250;
  return error.waitMs ?? base * 2 ** (attempt - 1);
}

async function attemptOnce(
  request: HttpRequest,
  method: string,
  options: HttpOptions,
): Promise<HttpResponse> {
  const url = joinUrl(request.baseUrl, request.path);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    return await exchange(request, method, url, timeout.signal, options);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(
  request: HttpRequest,
  method: string,
  url: string,
  timeout: AbortSignal,
  options: HttpOptions,
): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout])
    : timeout;
  const headers: Record<string, string> = {
    accept: "application/json",
    ...request.headers,
  };
  let body: string | undefined;
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  const fail = failure(request, url, timeoutMs, timeout, options.signal);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      signal,
      redirect: "manual",
      ...(body === undefined ? {} : { body }),
    });
  } catch (error) {
    throw fail(error);
  }
  let text: string;
  try {
    text = await readCapped(response, request.step);
  } catch (error) {
    if (error instanceof CloudgateError) throw error;
    throw fail(error);
  }
  if (response.status < 200 || response.status > 299) {
    const apiError = new ApiError({
      status: response.status,
      step: request.step,
      ...serverMessage(text, request.secrets ?? []),
    });
    if (RETRYABLE_STATUSES.has(response.status)) {
      throw new Retryable(apiError, retryAfterMs(response.headers));
    }
    throw apiError;
  }
  const where = endpoint(url);
  if (request.text) {
    return { status: response.status, body: text, endpoint: where };
  }
  if (text.trim() === "" || request.ignoreBody) {
    return { status: response.status, body: undefined, endpoint: where };
  }
  try {
    return { status: response.status, body: JSON.parse(text), endpoint: where };
  } catch (error) {
    throw new ResponseFormatError(
      `Cannot ${request.step}: the response of ${endpoint(url)} is not JSON`,
      { cause: error },
    );
  }
}

function failure(
  request: HttpRequest,
  url: string,
  timeoutMs: number,
  timeout: AbortSignal,
  callerSignal: AbortSignal | undefined,
): (error: unknown) => unknown {
  return (error) => {
    if (callerSignal?.aborted) return callerSignal.reason;
    if (timeout.aborted) {
      return new TimeoutError(
        `Cannot ${request.step}: the request to ${
          endpoint(url)
        } timed out after ${timeoutMs} ms`,
        { cause: error },
      );
    }
    const host = new URL(url).host;
    if (error instanceof Deno.errors.NotCapable) {
      return new ConfigError(
        `Cannot ${request.step}: network access to "${host}" is not permitted (run with --allow-net=${host})`,
        { cause: error },
      );
    }
    const reason = redact(networkReason(error), request.secrets ?? []);
    return new Retryable(
      new NetworkError(
        `Cannot ${request.step}: cannot reach "${host}": ${reason}`,
        { cause: error },
      ),
    );
  };
}

function networkReason(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  const lower = parts.join(" ").toLowerCase();
  if (lower.includes("connection refused")) return "connection refused";
  if (lower.includes("reset")) return "connection reset";
  if (lower.includes("blocked")) return "the port is blocked";
  if (lower.includes("dns") || lower.includes("lookup")) {
    return "host not found";
  }
  if (lower.includes("certificate") || lower.includes("tls")) {
    return "TLS handshake failed";
  }
  if (lower.includes("body") || lower.includes("closed")) {
    return "connection closed before the answer was complete";
  }
  return "connection failed";
}

function endpoint(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname;
}

async function readCapped(response: Response, step: string): Promise<string> {
  if (Number(response.headers.get("content-length")) > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw tooLarge(step, response.url);
  }
  const bytes = await readLimited(response.body, MAX_RESPONSE_BYTES);
  if (bytes === undefined) throw tooLarge(step, response.url);
  return new TextDecoder().decode(bytes);
}

function tooLarge(step: string, url: string): ResponseFormatError {
  return new ResponseFormatError(
    `Cannot ${step}: the response of ${endpoint(url)} is larger than ${
      MAX_RESPONSE_BYTES / 1024 / 1024
    } MiB`,
  );
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  let ms = Number.isFinite(seconds)
    ? seconds * 1000
    : Date.parse(value) - Date.now();
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
