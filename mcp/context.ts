/**
 * What every MCP tool shares within one server process: the configuration
 * read from the environment, one Cleura session (so every tool call uses one
 * login and at most one SMS), itopia token providers, and logging to every
 * connected client.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  cleuraConfig,
  CleuraSession,
  type EnvSource,
  ItopiaAuth,
  type ItopiaConfig,
  itopiaConfig,
  type SessionEvent,
} from "../mod.ts";
import type { ItopiaAuthEvent } from "../lib/itopia/auth.ts";
import type { UrlCodePages } from "./elicit.ts";

/** A log level of the MCP logging capability. */
export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";

/** Options of {@linkcode createToolContext}. */
export interface ToolContextOptions {
  /** The environment (default: the process's `CLEURA_*` and `ITOPIA_*`). */
  env: EnvSource;
  /** Per-request timeout in milliseconds for API calls. */
  timeoutMs?: number;
  /** One-time pages for URL-mode elicitation (HTTP transport only). */
  codePages?: UrlCodePages;
}

/** The state shared by every tool of one server process. */
export interface ToolContext {
  /** The Cleura session, created on first use. */
  cleura(): CleuraSession;
  /** The itopia settings. */
  itopiaConfig(): ItopiaConfig;
  /** An itopia token provider, pinned to a deployment when given. */
  itopia(deploymentId?: number): ItopiaAuth;
  /** Sends a log message to every connected client. Never give it a secret. */
  log(level: LogLevel, message: string): void;
  /** Registers a connected server, for logging; returns its removal. */
  attach(server: McpServer): () => void;
  /** One-time pages for URL-mode elicitation, when served over HTTP. */
  codePages: UrlCodePages | undefined;
  /** Per-request timeout for API calls. */
  http: { timeoutMs?: number };
}

function describe(event: SessionEvent | ItopiaAuthEvent): [LogLevel, string] {
  switch (event.type) {
    case "login-started":
      return [
        "info",
        "login" in event
          ? `Cleura login started for "${event.login}"`
          : `itopia login started for "${event.username}"`,
      ];
    case "sms-sent":
      return [
        "info",
        `Cleura sent an SMS code to the phone of "${event.login}"`,
      ];
    case "logged-in":
      return [
        "info",
        "login" in event
          ? `Cleura login complete for "${event.login}"`
          : `itopia login complete for "${event.username}"`,
      ];
    case "token-reused":
      return [
        "info",
        "login" in event
          ? `Reusing the Cleura token of "${event.login}"`
          : "Reusing the itopia token",
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
    case "warning":
      return ["warning", event.message];
  }
}

/**
 * Creates the shared state of one server process. Nothing is read from the
 * network until a tool needs it; a configuration error surfaces as that
 * tool's error, so the server always starts.
 *
 * @param options The environment, timeout and URL-mode pages.
 * @returns The context.
 */
export function createToolContext(options: ToolContextOptions): ToolContext {
  const servers = new Set<McpServer>();
  const http = options.timeoutMs === undefined
    ? {}
    : { timeoutMs: options.timeoutMs };
  let session: CleuraSession | undefined;
  const itopiaAuths = new Map<string, ItopiaAuth>();

  // "Token reused" is logged once per token, not on every call.
  const reuseLogged = new Set<string>();
  function onEvent(source: string) {
    return (event: SessionEvent | ItopiaAuthEvent) => {
      if (event.type === "token-reused") {
        if (reuseLogged.has(source)) return;
        reuseLogged.add(source);
      } else if (event.type !== "warning") {
        reuseLogged.delete(source);
      }
      context.log(...describe(event));
    };
  }

  const context: ToolContext = {
    codePages: options.codePages,
    http,
    log(level, message) {
      for (const server of servers) {
        if (!server.isConnected()) continue;
        server.sendLoggingMessage({ level, logger: "cloudgate", data: message })
          .catch(() => {});
      }
    },
    attach(server) {
      servers.add(server);
      return () => servers.delete(server);
    },
    cleura() {
      session ??= CleuraSession.fromConfig(cleuraConfig(options.env), {
        ...http,
        onEvent: onEvent("cleura"),
      });
      return session;
    },
    itopiaConfig() {
      return itopiaConfig(options.env);
    },
    itopia(deploymentId) {
      const config = itopiaConfig(options.env);
      const pin = config.apiKey === undefined ? undefined : deploymentId;
      const key = String(pin ?? "");
      let auth = itopiaAuths.get(key);
      if (!auth) {
        auth = ItopiaAuth.fromConfig(
          { ...config, ...(pin === undefined ? {} : { deploymentId: pin }) },
          { ...http, onEvent: onEvent(`itopia:${key}`) },
        );
        itopiaAuths.set(key, auth);
      }
      return auth;
    },
  };
  return context;
}
