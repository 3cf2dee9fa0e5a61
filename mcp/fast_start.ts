/**
 * The fast start of the stdio server: the opening of a connection
 * (`initialize`, `notifications/initialized`, `ping`, `tools/list` on the
 * 2025 era; `server/discover` and `tools/list` on 2026-07-28) is answered from
 * `catalog.json`, recorded from the SDK server itself by `deno task catalog`,
 * without loading the SDK, zod or any API code. The first message it does not
 * answer exactly as the SDK would (a tool call, an unusual parameter, anything
 * else) loads the SDK server; the opening is replayed to it (its answers
 * dropped: the client has them) and every held message follows in order.
 *
 * A server that only lists its tools so stays small: the SDK and the API code
 * load with the first call.
 *
 * @module
 */

import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import catalog from "./catalog.json" with { type: "json" };
import { selectTools, type ToolSelection, type Toolset } from "./toolsets.ts";

/** One tool as the catalog holds it: what selects it, and its listing. */
export interface CatalogTool {
  /** Its toolset. */
  toolset: Toolset;
  /** It is listed only with `--allow-write`. */
  write?: boolean;
  /** The tool as `tools/list` shows it. */
  listing: Record<string, unknown>;
}

/** The SDK server's answers to the opening requests, with every tool. */
export interface Catalog {
  /** The 2025 era (`initialize`). */
  legacy: {
    /** The versions `initialize` echoes. */
    versions: string[];
    /** The version it answers to any other. */
    fallback: string;
    /** The `initialize` result, without `protocolVersion`. */
    initialize: Record<string, unknown>;
    /** The `tools/list` result, `tools` empty. */
    toolsList: Record<string, unknown>;
    /** The `ping` result. */
    ping: Record<string, unknown>;
  };
  /** The 2026-07-28 era. */
  modern: {
    /** The revision. */
    version: string;
    /** The `server/discover` result. */
    discover: Record<string, unknown>;
    /** The `tools/list` result, `tools` empty. */
    toolsList: Record<string, unknown>;
  };
  /** Every tool, in the order the server registers them. */
  tools: CatalogTool[];
}

/** The catalog `deno task catalog` recorded. */
export const CATALOG: Catalog = catalog as Catalog;

/** What the fast start writes to and hands over to the SDK through. */
export interface FastWire {
  /** The handler of incoming messages (the fast start's, then the SDK's). */
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  /** Writes a message. */
  send(message: JSONRPCMessage): Promise<void>;
  /** Hands `onmessage` an answered request; its new answer is dropped. */
  replay(message: JSONRPCMessage): void;
}

/**
 * Loads the SDK server; the function it resolves to attaches it to the wire
 * synchronously (sets `onmessage`).
 */
export type LoadServer = () => Promise<() => void>;

type Params = Record<string, unknown>;

const PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
const CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
const CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";

const isPlain = (value: unknown): value is Params =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `{ name, version }` and other plain strings: what every client sends. */
function isClientInfo(value: unknown): boolean {
  return isPlain(value) && typeof value.name === "string" &&
    typeof value.version === "string" &&
    Object.values(value).every((v) => typeof v === "string");
}

const isObjectOf = (value: unknown, each: (v: unknown) => boolean) =>
  isPlain(value) && Object.values(value).every(each);

/** Each known capability, as the SDK's schema accepts it. */
const CAPABILITY_CHECKS: Record<string, (value: unknown) => boolean> = {
  experimental: (v) => isObjectOf(v, isPlain),
  extensions: (v) => isObjectOf(v, isPlain),
  sampling: (v) =>
    isPlain(v) && (v.context === undefined || isPlain(v.context)) &&
    (v.tools === undefined || isPlain(v.tools)),
  elicitation: (v) =>
    isPlain(v) &&
    (v.form === undefined ||
      (isPlain(v.form) &&
        (v.form.applyDefaults === undefined ||
          typeof v.form.applyDefaults === "boolean"))) &&
    (v.url === undefined || isPlain(v.url)),
  roots: (v) =>
    isPlain(v) &&
    (v.listChanged === undefined || typeof v.listChanged === "boolean"),
};

/**
 * Client capabilities the SDK surely accepts: only the common ones, each in
 * its schema's shape (anything else is left to the SDK).
 */
function isCapabilities(value: unknown): boolean {
  return isPlain(value) &&
    Object.entries(value).every(([key, v]) =>
      Object.hasOwn(CAPABILITY_CHECKS, key) && CAPABILITY_CHECKS[key]!(v)
    );
}

/** `_meta` of a request that carries no 2026 envelope claim. */
function claimsNothing(params: unknown): boolean {
  if (params === undefined) return true;
  if (!isPlain(params)) return false;
  const meta = params._meta;
  return meta === undefined ||
    (isPlain(meta) &&
      !Object.keys(meta).some((k) => k.startsWith("io.modelcontextprotocol/")));
}

/**
 * A well-formed 2026-07-28 envelope with nothing more in `params`: the
 * version, client info and capabilities, no log level or other claim.
 */
function isModernParams(params: unknown, version: string): boolean {
  if (!isPlain(params) || Object.keys(params).some((k) => k !== "_meta")) {
    return false;
  }
  const meta = params._meta;
  if (!isPlain(meta)) return false;
  const claims = Object.keys(meta).filter((k) =>
    k.startsWith("io.modelcontextprotocol/")
  );
  return claims.length === 3 && meta[PROTOCOL_VERSION] === version &&
    isClientInfo(meta[CLIENT_INFO]) &&
    isCapabilities(meta[CLIENT_CAPABILITIES]);
}

/** No parameters beyond `_meta` without claims (a plain 2025 request). */
function isPlainLegacyParams(params: unknown): boolean {
  return claimsNothing(params) &&
    (params === undefined ||
      Object.keys(params as Params).every((k) => k === "_meta"));
}

function isInitializeParams(params: unknown): params is Params {
  return isPlain(params) && claimsNothing(params) &&
    typeof params.protocolVersion === "string" &&
    isCapabilities(params.capabilities) && isClientInfo(params.clientInfo) &&
    Object.keys(params).every((k) =>
      ["protocolVersion", "capabilities", "clientInfo", "_meta"].includes(k)
    );
}

/** Answers the opening of a stdio connection, and hands over to the SDK. */
export class FastStart {
  #wire: FastWire;
  #load: LoadServer;
  #catalog: Catalog;
  #listings: Record<string, unknown>[];
  /** `initialize` and `notifications/initialized`, for the SDK to see again. */
  #opening: JSONRPCMessage[] = [];
  /** Messages held while the SDK loads. */
  #held: JSONRPCMessage[] = [];
  #era: "none" | "legacy" | "legacy-initialized" | "modern" = "none";
  #loading: Promise<void> | undefined;

  /**
   * Takes over the wire's `onmessage` until the SDK server is needed.
   *
   * @param wire The transport.
   * @param selection The tools the server lists.
   * @param load Loads the SDK server (see {@linkcode LoadServer}).
   * @param source The answers (default the recorded catalog).
   */
  constructor(
    wire: FastWire,
    selection: ToolSelection,
    load: LoadServer,
    source: Catalog = CATALOG,
  ) {
    this.#wire = wire;
    this.#load = load;
    this.#catalog = source;
    this.#listings = selectTools(source.tools, selection).map((t) => t.listing);
    wire.onmessage = (message) => this.#receive(message);
  }

  /** Whether the SDK server has been asked for (loading or loaded). */
  get loading(): boolean {
    return this.#loading !== undefined;
  }

  /**
   * Resolves once the SDK server is attached and has every held message, or
   * at once when it was never needed.
   */
  async settled(): Promise<void> {
    await this.#loading;
  }

  #receive(message: JSONRPCMessage): void {
    if (this.#loading === undefined) {
      const handled = this.#handle(message as Params);
      if (handled) return;
    }
    this.#held.push(message);
    this.#loading ??= this.#handOver();
  }

  /** Answers `message` when the SDK would answer it the same way. */
  #handle(message: Params): boolean {
    const { id, method, params } = message;
    const { legacy, modern } = this.#catalog;
    const isRequest = typeof id === "string" || typeof id === "number";
    if (method === "initialize" && isRequest && this.#era === "none") {
      if (!isInitializeParams(params)) return false;
      const asked = params.protocolVersion as string;
      const protocolVersion = legacy.versions.includes(asked)
        ? asked
        : legacy.fallback;
      this.#era = "legacy";
      this.#opening.push(message as JSONRPCMessage);
      this.#answer(id, { protocolVersion, ...legacy.initialize });
      return true;
    }
    if (this.#era === "legacy" || this.#era === "legacy-initialized") {
      if (method === "notifications/initialized" && !isRequest) {
        this.#era = "legacy-initialized";
        this.#opening.push(message as JSONRPCMessage);
        return true;
      }
      if (!isRequest || !isPlainLegacyParams(params)) return false;
      if (method === "ping") {
        this.#answer(id, legacy.ping);
        return true;
      }
      if (method === "tools/list" && this.#era === "legacy-initialized") {
        this.#answer(id, { ...legacy.toolsList, tools: this.#listings });
        return true;
      }
      return false;
    }
    if (!isRequest || !isModernParams(params, modern.version)) return false;
    if (method !== "server/discover" && method !== "tools/list") return false;
    // The SDK holds a connection to the era of its first request (a later
    // request without the envelope is refused): it sees the first one too.
    if (this.#era === "none") this.#opening.push(message as JSONRPCMessage);
    this.#era = "modern";
    this.#answer(
      id,
      method === "server/discover"
        ? modern.discover
        : { ...modern.toolsList, tools: this.#listings },
    );
    return true;
  }

  #answer(id: string | number, result: Record<string, unknown>): void {
    this.#wire.send({ jsonrpc: "2.0", id, result } as JSONRPCMessage)
      .catch(() => {});
  }

  /** Loads the SDK server, replays the opening, then the held messages. */
  async #handOver(): Promise<void> {
    const attach = await this.#load();
    attach();
    for (const message of this.#opening) this.#wire.replay(message);
    const held = this.#held;
    this.#held = [];
    for (const message of held) this.#wire.onmessage?.(message);
  }
}
