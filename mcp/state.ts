/**
 * The sealed `requestState` of multi round-trip tool calls. The state passes
 * through the client, so it is sealed with AES-256-GCM (encrypted and
 * authenticated): the client can neither read it (it holds the Cleura
 * verification handle) nor change it. Each state carries an expiry and a
 * one-time id, so a tampered, expired or replayed state is refused.
 *
 * The key is made at start-up, or read from `CLOUDGATE_STATE_KEY` (base64 or
 * hex, 32 bytes) so that several server instances accept each other's states.
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";

/** How long a sealed state stays valid, in milliseconds (5 minutes). */
export const STATE_TTL_MS = 5 * 60_000;

const VERSION = "s1.";
const AAD = new TextEncoder().encode("cloudgate requestState v1");

/** A state could not be opened: tampered, expired, replayed or foreign. */
export class StateError extends Error {
  /**
   * Creates the error.
   *
   * @param message Why the state was refused.
   */
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const plain = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
}

/**
 * Reads a 32-byte key from text: 64 hex digits, or base64 / base64url.
 *
 * @param text The key as set in `CLOUDGATE_STATE_KEY`.
 * @returns The key's bytes.
 * @throws {ConfigError} When it is not 32 bytes in either form.
 */
export function parseStateKey(text: string): Uint8Array {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    return Uint8Array.from(
      trimmed.match(/../g)!,
      (pair) => parseInt(pair, 16),
    );
  }
  try {
    const bytes = fromBase64url(trimmed.replace(/=+$/, ""));
    if (bytes.length === 32) return bytes;
  } catch {
    // not base64: reported below
  }
  throw new ConfigError(
    "CLOUDGATE_STATE_KEY must be 32 bytes, as 64 hex digits or base64 (for example from `openssl rand -base64 32`)",
  );
}

/** What every sealed state holds besides its payload. */
interface Envelope<T> {
  /** Expiry, ms since the epoch. */
  exp: number;
  /** One-time id. */
  jti: string;
  /** The payload. */
  p: T;
}

/** Seals and opens `requestState` strings. */
export class StateCodec {
  #key: Promise<CryptoKey>;
  #used = new Map<string, number>();
  #ttlMs: number;

  /**
   * Creates a codec.
   *
   * @param key 32 bytes; a random key when omitted.
   * @param ttlMs How long a state stays valid (default 5 minutes).
   */
  constructor(key?: Uint8Array, ttlMs: number = STATE_TTL_MS) {
    const raw = key ?? crypto.getRandomValues(new Uint8Array(32));
    this.#key = crypto.subtle.importKey(
      "raw",
      raw as Uint8Array<ArrayBuffer>,
      "AES-GCM",
      false,
      ["encrypt", "decrypt"],
    );
    this.#ttlMs = ttlMs;
  }

  /**
   * Seals a payload.
   *
   * @param payload Any JSON value.
   * @returns The opaque state string.
   */
  async seal<T>(payload: T): Promise<string> {
    const envelope: Envelope<T> = {
      exp: Date.now() + this.#ttlMs,
      jti: crypto.randomUUID(),
      p: payload,
    };
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: AAD },
      await this.#key,
      new TextEncoder().encode(JSON.stringify(envelope)),
    );
    const out = new Uint8Array(12 + sealed.byteLength);
    out.set(iv);
    out.set(new Uint8Array(sealed), 12);
    return VERSION + base64url(out);
  }

  /**
   * Opens a state once: a second opening of the same state is a replay.
   *
   * @param state The string the client echoed.
   * @returns The payload.
   * @throws {StateError} When it is tampered, expired, replayed or not ours.
   */
  async open<T>(state: string): Promise<T> {
    if (typeof state !== "string" || !state.startsWith(VERSION)) {
      throw new StateError("the requestState is not one of this server's");
    }
    let plain: ArrayBuffer;
    try {
      const bytes = fromBase64url(state.slice(VERSION.length));
      plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: AAD },
        await this.#key,
        bytes.subarray(12),
      );
    } catch {
      throw new StateError("the requestState was altered or sealed elsewhere");
    }
    const envelope = JSON.parse(new TextDecoder().decode(plain)) as Envelope<
      T
    >;
    const now = Date.now();
    if (!(envelope.exp > now)) {
      throw new StateError("the requestState has expired");
    }
    for (const [jti, exp] of this.#used) if (exp <= now) this.#used.delete(jti);
    if (this.#used.has(envelope.jti)) {
      throw new StateError("the requestState was already used");
    }
    this.#used.set(envelope.jti, envelope.exp);
    return envelope.p;
  }
}
