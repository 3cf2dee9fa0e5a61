/**
 * A JSR registry of our own for tests: a `Deno.serve` on port 0 that speaks
 * what `deno publish --token` sends (`GET api/scopes/S/packages/P[/versions/V]`,
 * `POST api/scopes/S/packages/P/versions/V?config=/deno.json` with the package
 * as a gzipped tarball) and serves what a `jsr:` import reads (`meta.json`,
 * `V_meta.json` with each file's `sha256-<hex>`, and the files themselves).
 * Point Deno at it with `JSR_URL`.
 *
 * Every version is served with the `createdAt` given (by default two days
 * ago: a release past Deno's 24-hour minimum dependency age).
 */

import { parseTarGzip } from "nanotar";

/** One published version, as the registry stores it. */
export interface PublishedVersion {
  /** Each file's path (`/deno.json`) and bytes, as the tarball held them. */
  files: Map<string, Uint8Array>;
  /** The package's exports, from its config file. */
  exports: Record<string, string>;
}

/** A running registry. */
export interface JsrRegistry {
  /** The base URL for `JSR_URL` (with the trailing slash). */
  url: string;
  /** The token `deno publish --token` must send. */
  token: string;
  /** What was published, by `@scope/name@version`. */
  published: Map<string, PublishedVersion>;
  /** Every request, as `METHOD path`. */
  requests: string[];
  /** Sets the `createdAt` of every version from now on. */
  setCreatedAt(date: Date): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const PACKAGE = /^\/api\/scopes\/([^/]+)\/packages\/([^/]+)$/;
const VERSION =
  /^\/api\/scopes\/([^/]+)\/packages\/([^/]+)\/versions\/([^/]+)$/;
const MODULE =
  /^\/@([^/]+)\/([^/]+)\/(meta\.json|([^/]+)_meta\.json|([^/]+)(\/.*))$/;

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

async function unpack(
  body: Uint8Array,
  config: string,
): Promise<PublishedVersion> {
  const files = new Map<string, Uint8Array>();
  for (const item of await parseTarGzip(body)) {
    if (item.type !== "file" || !item.data) continue;
    files.set(`/${item.name.replace(/^\.?\//, "")}`, item.data);
  }
  const configBytes = files.get(config);
  if (!configBytes) {
    throw new Error(
      `the tarball lacks ${config}: ${[...files.keys()].slice(0, 5)}`,
    );
  }
  const parsed = JSON.parse(new TextDecoder().decode(configBytes));
  const exports = typeof parsed.exports === "string"
    ? { ".": parsed.exports }
    : parsed.exports;
  return { files, exports };
}

/** Starts a registry on a free port of 127.0.0.1. */
export function startJsrRegistry(): JsrRegistry {
  const token = crypto.randomUUID();
  const published = new Map<string, PublishedVersion>();
  const requests: string[] = [];
  let createdAt = new Date(Date.now() - 2 * 24 * 3600_000);
  const json = (value: unknown, status = 200) =>
    Response.json(value, { status });
  const notFound = () => json({ code: "notFound", message: "not found" }, 404);

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}`);
    if (url.pathname.startsWith("/api/")) {
      if (request.headers.get("authorization") !== `Bearer ${token}`) {
        return json({ code: "unauthorized", message: "bad token" }, 401);
      }
      const version = url.pathname.match(VERSION);
      if (version) {
        const [, scope, name, v] = version;
        const key = `@${scope}/${name}@${v}`;
        if (request.method === "GET") {
          return published.has(key)
            ? json({ scope, package: name, version: v })
            : notFound();
        }
        const config = url.searchParams.get("config") ?? "/deno.json";
        const body = new Uint8Array(await request.arrayBuffer());
        published.set(key, await unpack(body, config));
        return json({
          id: crypto.randomUUID(),
          status: "success",
          error: null,
        });
      }
      const pkg = url.pathname.match(PACKAGE);
      if (pkg) return json({ scope: pkg[1], name: pkg[2] });
      return notFound();
    }
    const module = url.pathname.match(MODULE);
    if (!module) return notFound();
    const [, scope, name, rest, metaOf, v, path] = module;
    const prefix = `@${scope}/${name}@`;
    const versions = [...published.keys()].filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
    if (rest === "meta.json") {
      if (versions.length === 0) return notFound();
      return json({
        scope,
        name,
        latest: versions.at(-1),
        versions: Object.fromEntries(
          versions.map((x) => [x, { createdAt: createdAt.toISOString() }]),
        ),
      });
    }
    const entry = published.get(`${prefix}${metaOf ?? v}`);
    if (!entry) return notFound();
    if (metaOf) {
      const manifest: Record<string, { size: number; checksum: string }> = {};
      for (const [file, bytes] of entry.files) {
        manifest[file] = {
          size: bytes.length,
          checksum: `sha256-${await sha256(bytes)}`,
        };
      }
      return json({ manifest, exports: entry.exports });
    }
    const bytes = entry.files.get(path!);
    return bytes ? new Response(bytes as BodyInit) : notFound();
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      handle(request).catch((error) =>
        json({ code: "internal", message: String(error) }, 500)
      ),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    token,
    published,
    requests,
    setCreatedAt(date) {
      createdAt = date;
    },
    close: () => server.shutdown(),
  };
}
