/**
 * The one request path of the itopia CAS API: every call goes through
 * {@linkcode ItopiaClient.request}, which takes a bearer token from an
 * {@linkcode ItopiaAuth}, sends the call, and when the API refuses the token
 * (401) drops it and sends the call once more with a fresh one. An endpoint is
 * then one small function that names its path and reads its answer.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import { type HttpOptions, httpRequest, type HttpResponse } from "../http.ts";
import type { ItopiaAuth } from "./auth.ts";

/** One authenticated call through an {@linkcode ItopiaClient}. */
export interface ItopiaCall {
  /** The path below the API's base URL, e.g. `deployments/7/cloudInstances`. */
  path: string;
  /** The HTTP method (default `GET`). */
  method?: "GET" | "POST" | "DELETE";
  /** A value to send as JSON. */
  body?: unknown;
  /** What is being done, worded to follow "Cannot". */
  step: string;
}

/**
 * An itopia CAS API client: a token source and the one place calls are sent.
 *
 * @example
 * ```ts ignore
 * import { ItopiaAuth, ItopiaClient } from "@cloudgate/toolkit/itopia";
 *
 * const client = new ItopiaClient(new ItopiaAuth({
 *   apiUrl: "https://cas-rest.itopia.com/api/v2",
 *   apiKey: Deno.env.get("ITOPIA_API_KEY")!,
 *   organizationId: 42,
 * }));
 * const { body } = await client.request({ path: "deployments/7/cloudInstances", step: "list instances" });
 * ```
 */
export class ItopiaClient {
  /** Where the bearer tokens come from. */
  readonly auth: ItopiaAuth;

  /**
   * Creates a client.
   *
   * @param auth The token source.
   */
  constructor(auth: ItopiaAuth) {
    this.auth = auth;
  }

  /**
   * A client for a token source, or the client itself.
   *
   * @param source An {@linkcode ItopiaAuth} or an {@linkcode ItopiaClient}.
   * @returns The client.
   *
   * @example
   * ```ts
   * import { ItopiaAuth, ItopiaClient } from "@cloudgate/toolkit/itopia";
   *
   * const auth = new ItopiaAuth({ apiUrl: "https://cas-rest.itopia.com/api/v2", apiKey: "k", organizationId: 1 });
   * console.log(ItopiaClient.of(auth).auth === auth); // true
   * ```
   */
  static of(source: ItopiaAuth | ItopiaClient): ItopiaClient {
    return source instanceof ItopiaClient ? source : new ItopiaClient(source);
  }

  /**
   * Sends an authenticated call; on a 401 the token is dropped and the call
   * is sent once more with a fresh one.
   *
   * @param call The path, method, body and step.
   * @param options Timeout and signal.
   * @returns The status and parsed body.
   * @throws {ApiError} When the API refuses, or 401 again with a fresh token.
   */
  async request(
    call: ItopiaCall,
    options: HttpOptions = {},
  ): Promise<HttpResponse> {
    const http = { ...this.auth.httpOptions, ...options };
    for (let attempt = 1;; attempt++) {
      const token = await this.auth.token();
      try {
        return await httpRequest({
          baseUrl: this.auth.apiUrl,
          path: call.path,
          method: call.method ?? "GET",
          ...(call.body === undefined ? {} : { body: call.body }),
          headers: { Authorization: `Bearer ${token}` },
          step: call.step,
          secrets: this.auth.secrets,
        }, http);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        this.auth.invalidate(token);
        if (attempt >= 2) throw error;
      }
    }
  }
}
