/**
 * What every MCP tool call shares within one server process: the
 * configuration read from the environment, one Cleura session (so every call
 * uses one login and at most one SMS), itopia token providers, the sealed
 * `requestState` codec, the URL-mode code pages and the gate that lets
 * concurrent calls share one question for the SMS code.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { type ItopiaConfig, itopiaConfig } from "../lib/config.ts";
import type { EnvSource } from "../lib/env.ts";
import {
  type ChosenProfile,
  type CleuraSettings,
  pickCleuraSettings,
  type TargetFlags,
  type TargetNames,
} from "../lib/cleura/settings.ts";
import { cleuraTarget, describeSettings } from "../lib/cleura/resolve.ts";
import type { CleuraSession } from "../lib/cleura/session.ts";
import type { SessionEvent } from "../lib/cleura/session_options.ts";
import type { TokenCache } from "../lib/token_cache.ts";
import type { ItopiaAuth, ItopiaAuthEvent } from "../lib/itopia/auth.ts";
import { UrlCodePages } from "./code_pages.ts";
import { AskGate } from "./gate.ts";
import { StateCodec } from "./state.ts";

/** A log level of the MCP logging capability. */
export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";

/** Sends one log line to the client of the current call. */
export type Log = (level: LogLevel, message: string) => void;

/** Options of {@linkcode createToolContext}. */
export interface ToolContextOptions {
  /** The environment (`CLEURA_*`, `ITOPIA_*`). */
  env: EnvSource;
  /** The chosen profile of Cleura's CLI config, under the environment. */
  profile?: ChosenProfile | undefined;
  /** Per-request timeout in milliseconds for API calls. */
  timeoutMs?: number;
  /** URL-mode code pages; by default they open their own loopback listener. */
  pages?: UrlCodePages;
  /** The `requestState` key (32 bytes); random when omitted. */
  stateKey?: Uint8Array;
  /** How long a sealed `requestState` stays valid (default 5 minutes). */
  stateTtlMs?: number;
  /**
   * The token cache the Cleura session shares with the CLI (none by
   * default), or what makes it when a tool first needs it.
   */
  cache?: TokenCache | (() => Promise<TokenCache>);
}

/**
 * The state shared by every tool call of one server process. Each API's
 * session and its machinery (login, HTTP, token cache) are loaded when a
 * tool first asks for one.
 */
export interface ToolContext {
  /** The Cleura session, created on first use. */
  cleura(): Promise<CleuraSession>;
  /** The Cleura settings, with a call's own region and project picked in. */
  cleuraSettings(args?: TargetFlags): CleuraSettings;
  /** The region and project of a call: its arguments, else the settings'. */
  cleuraTarget(args: TargetFlags): { region: string; projectId: string };
  /** The itopia settings. */
  itopiaConfig(): ItopiaConfig;
  /** An itopia token provider, pinned to a deployment when given. */
  itopia(deploymentId?: number): Promise<ItopiaAuth>;
  /** Per-request timeout for API calls. */
  http: { timeoutMs?: number };
  /** Seals and opens `requestState`. */
  state: StateCodec;
  /** URL-mode code pages. */
  pages: UrlCodePages;
  /** Lets concurrent calls share one SMS code question. */
  gate: AskGate;
  /**
   * Runs `fn` with `log` as the destination of the session's progress
   * events, so each event reaches the client whose call caused it.
   */
  withLog<T>(log: Log, fn: () => Promise<T>): Promise<T>;
}

/** How the tools name the region and project, for the settings' errors. */
const ARGS: TargetNames = {
  region: "region",
  projectId: "projectId",
  projects: "cleura_list_projects",
};

/** "Cleura … "alice"" or "itopia … "admin"", for the events of both APIs. */
function who(event: { login: string } | { username: string }): string {
  return "login" in event
    ? `Cleura login %s for "${event.login}"`
    : `itopia login %s for "${event.username}"`;
}

function describe(event: SessionEvent | ItopiaAuthEvent): [LogLevel, string] {
  switch (event.type) {
    case "login-started":
      return ["info", who(event).replace("%s", "started")];
    case "sms-sent":
      return [
        "info",
        `Cleura sent an SMS code to the phone of "${event.login}"`,
      ];
    case "logged-in":
      return ["info", who(event).replace("%s", "complete")];
    case "token-reused":
      return [
        "debug",
        "login" in event
          ? `Reusing the Cleura token of "${event.login}"`
          : "Reusing the itopia token",
      ];
    case "login-waiting":
      return [
        "info",
        `Waiting for the Cleura login of ${
          event.pid === undefined ? "another process" : `process ${event.pid}`
        } to finish`,
      ];
    case "token-rejected":
      return [
        "info",
        `The Cleura token of "${event.login}" was rejected; logging in again`,
      ];
    case "jwt-minted":
      return [
        "info",
        `Minted an itopia JWT for organization ${event.organizationId}`,
      ];
    case "token-lifetime":
      return [
        "debug",
        `The itopia token's expiry was read as ${event.reading}; it is used for ${event.seconds} s`,
      ];
    case "warning":
      return ["warning", event.message];
    case "generation":
      return [
        "debug",
        `The Cleura API at ${event.apiUrl} speaks ${event.generation}`,
      ];
  }
}

/**
 * Creates the shared state of one server process. Nothing is read from the
 * network until a tool needs it; a configuration error surfaces as that
 * tool's error, so the server always starts.
 *
 * @param options The environment, timeout, pages and state key.
 * @returns The context.
 */
export function createToolContext(options: ToolContextOptions): ToolContext {
  const http = options.timeoutMs === undefined
    ? {}
    : { timeoutMs: options.timeoutMs };
  const logs = new AsyncLocalStorage<Log>();
  const onEvent = (event: SessionEvent | ItopiaAuthEvent) =>
    logs.getStore()?.(...describe(event));
  let session: CleuraSession | undefined;
  let cache: Promise<TokenCache | undefined> | undefined;
  const { env, profile } = options;
  const settingsOf = (args?: TargetFlags) =>
    pickCleuraSettings({ env, profile, flags: args, names: ARGS });
  const itopiaAuths = new Map<string, ItopiaAuth>();
  return {
    http,
    state: new StateCodec(options.stateKey, options.stateTtlMs),
    pages: options.pages ?? new UrlCodePages(),
    gate: new AskGate(),
    withLog: (log, fn) => logs.run(log, fn),
    // Each API's code (its login, HTTP, token cache; jose for itopia) is
    // loaded when a tool first needs it.
    async cleura() {
      if (session) return session;
      const settings = settingsOf();
      const log = logs.getStore();
      for (const line of describeSettings(settings)) log?.("debug", line);
      const [{ CleuraSession }, shared] = await Promise.all([
        import("../lib/cleura/session.ts"),
        cache ??= Promise.resolve(
          typeof options.cache === "function" ? options.cache() : options.cache,
        ),
      ]);
      session ??= CleuraSession.fromConfig(settings, {
        ...http,
        ...(shared ? { cache: shared } : {}),
        onEvent,
      });
      return session;
    },
    async itopia(deploymentId) {
      const config = itopiaConfig(options.env);
      const pin = config.apiKey === undefined ? undefined : deploymentId;
      const key = String(pin ?? "");
      const { ItopiaAuth } = await import("../lib/itopia/auth.ts");
      let auth = itopiaAuths.get(key);
      if (!auth) {
        auth = ItopiaAuth.fromConfig(
          { ...config, ...(pin === undefined ? {} : { deploymentId: pin }) },
          { ...http, onEvent },
        );
        itopiaAuths.set(key, auth);
      }
      return auth;
    },
    cleuraSettings: settingsOf,
    cleuraTarget: (args) => cleuraTarget(settingsOf(args), ARGS),
    itopiaConfig() {
      return itopiaConfig(options.env);
    },
  };
}
