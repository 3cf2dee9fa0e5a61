/**
 * The pieces of the HTTP server's front door: the JSON-RPC error answer, the
 * strict parsing of `Host` and `Origin`, the bearer token and its
 * constant-time comparison, the token made at start, the throttle of wrong
 * tokens, and the listening socket.
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";

/**
 * A JSON-RPC error answer with an HTTP status.
 *
 * @param status The HTTP status.
 * @param message One line.
 * @param headers More headers.
 * @returns The response.
 */
export function plain(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({
      jsonrpc: "2.0",
      error: { code: -32000, message },
      id: null,
    }),
    { status, headers: { "content-type": "application/json", ...headers } },
  );
}

/**
 * Parses a Host header or an Origin strictly: a bare host and port, nothing
 * else (no user info, path, query or fragment).
 */
export function authority(
  value: string,
  scheme: "http" | "origin",
): { hostname: string; port: string } | undefined {
  if (value === "" || /[\s@/?#\\]/.test(scheme === "http" ? value : "")) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(scheme === "http" ? `http://${value}` : value);
  } catch {
    return undefined;
  }
  if (
    url.username !== "" || url.password !== "" || url.search !== "" ||
    url.hash !== "" || (url.pathname !== "/" && url.pathname !== "")
  ) return undefined;
  if (scheme === "origin" && url.origin !== value.replace(/\/$/, "")) {
    return undefined;
  }
  if (url.protocol !== "http:") return undefined;
  return { hostname: url.hostname, port: url.port || "80" };
}

/** The bearer token of an `Authorization` header (scheme in any case). */
export function bearer(header: string | null): string | undefined {
  const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1];
}

/** Compares two texts in constant time (for the bearer token). */
export function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}

/** A random 256-bit token, base64url. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/** The shortest `CLOUDGATE_MCP_TOKEN` accepted beyond loopback. */
export const MIN_TOKEN_LENGTH = 32;

/**
 * Counts the refused bearer tokens of each client address in a fixed window;
 * an address over the limit is refused without its token being checked until
 * its window ends. At most `maxAddresses` are remembered (the oldest go).
 */
export class FailureThrottle {
  #seen = new Map<string, { count: number; until: number }>();
  #limit: number;
  #windowMs: number;
  #maxAddresses: number;

  /**
   * @param limit Refusals allowed per window.
   * @param windowMs The window, in milliseconds.
   * @param maxAddresses How many addresses are remembered.
   */
  constructor(limit: number, windowMs: number, maxAddresses = 4096) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxAddresses = maxAddresses;
  }

  /** Seconds until `address` may try again, or `undefined` when it may now. */
  blocked(address: string, now = Date.now()): number | undefined {
    const entry = this.#seen.get(address);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#seen.delete(address);
      return undefined;
    }
    return entry.count >= this.#limit
      ? Math.max(1, Math.ceil((entry.until - now) / 1000))
      : undefined;
  }

  /** Counts one refused token of `address`. */
  fail(address: string, now = Date.now()): void {
    const entry = this.#seen.get(address);
    if (entry && entry.until > now) {
      entry.count++;
      return;
    }
    this.#seen.delete(address);
    if (this.#seen.size >= this.#maxAddresses) {
      this.#seen.delete(this.#seen.keys().next().value!);
    }
    this.#seen.set(address, { count: 1, until: now + this.#windowMs });
  }
}

/** `Deno.serve`, with a refused address or permission as a one-line ConfigError. */
export function listen(
  options: Deno.ServeTcpOptions,
  handler: Deno.ServeHandler,
): Deno.HttpServer<Deno.NetAddr> {
  const where = `${options.hostname}:${options.port}`;
  try {
    return Deno.serve(options, handler);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ConfigError(
        `Cannot listen on ${where}: not permitted (run with --allow-net=${where})`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(
        `Cannot listen on ${where}: the address is in use`,
        { cause: error },
      );
    }
    throw new ConfigError(
      `Cannot listen on ${where}: ${
        error instanceof Error ? error.name : "failed"
      }`,
      { cause: error },
    );
  }
}
