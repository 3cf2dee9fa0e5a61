/**
 * The pieces of the HTTP server's front door: the JSON-RPC error answer, the
 * strict parsing of `Host` and `Origin`, the bearer token and its
 * constant-time comparison, and the token made at start.
 *
 * @module
 */

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
