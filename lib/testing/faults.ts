/**
 * The faults the emulator can serve instead of (or before) a normal answer:
 * the {@linkcode Fault} type, picking the queued fault a request gets, and
 * each kind's answer.
 *
 * @module
 */

import {
  type EmulatorState,
  errorEnvelope,
  json,
  JSON_HEADERS,
} from "./state.ts";

/** A fault to serve instead of (or before) the normal answer. */
export type Fault =
  & {
    /** Only requests whose path contains this (or matches it). */
    path?: string | RegExp;
    /** Only requests with this method. */
    method?: string;
    /** How many matching requests get the fault (default 1). */
    times?: number;
  }
  & (
    | {
      /** A status with a JSON error envelope, and `Retry-After` if given. */
      kind: "status";
      status: number;
      retryAfter?: number | string;
      message?: string;
    }
    | { /** An HTML error page. */ kind: "html"; status: number }
    | { /** A 200 whose body is not JSON. */ kind: "malformed-json" }
    | {
      /** Any JSON body, with a status (default 200). */
      kind: "json";
      body: unknown;
      status?: number;
    }
    | { /** A 200 with JSON of the wrong shape. */ kind: "wrong-shape" }
    | { /** Waits, then answers normally. */ kind: "delay"; ms: number }
    | {
      /** Never answers (until the client gives up or the emulator closes). */ kind:
        "hang";
    }
    | {
      /** Sends headers and part of the body, then breaks the connection. */ kind:
        "reset";
    }
    | {
      /** A 200 body larger than the client's cap, streamed. */ kind:
        "oversize";
      bytes?: number;
    }
  );

type FaultOf<K extends Fault["kind"]> = Extract<Fault, { kind: K }>;

/**
 * The first queued fault that matches a request, counted and used up by
 * one; `undefined` if none does.
 */
export function takeFault(
  state: EmulatorState,
  method: string,
  path: string,
): Fault | undefined {
  const { faults } = state;
  const index = faults.findIndex(({ fault }) =>
    (fault.method === undefined || fault.method === method) &&
    (fault.path === undefined ||
      (typeof fault.path === "string"
        ? path.includes(fault.path)
        : fault.path.test(path)))
  );
  const queued = faults[index];
  if (!queued) return undefined;
  queued.left--;
  if (queued.left <= 0) faults.splice(index, 1);
  state.counters.faults++;
  return queued.fault;
}

/**
 * The answer a fault gives, or `undefined` when the request should then be
 * answered normally (a `delay`).
 */
export function serveFault(
  state: EmulatorState,
  fault: Fault,
  request: Request,
): Promise<Response | undefined> | Response {
  switch (fault.kind) {
    case "status":
      return statusFault(state, fault);
    case "html":
      return htmlFault(fault);
    case "malformed-json":
      return new Response('{"result": "login_ok", "token": ', {
        status: 200,
        headers: JSON_HEADERS,
      });
    case "json":
      return json(fault.status ?? 200, fault.body);
    case "wrong-shape":
      return json(200, { unexpected: true, items: "not a list" });
    case "delay":
      return delayFault(fault);
    case "hang":
      return hangFault(state, request);
    case "reset":
      return resetFault();
    case "oversize":
      return oversizeFault(fault);
  }
}

function statusFault(state: EmulatorState, fault: FaultOf<"status">): Response {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) {
    headers["retry-after"] = String(fault.retryAfter);
  }
  return errorEnvelope(
    state,
    fault.status,
    fault.message ?? "Injected fault",
    headers,
  );
}

function htmlFault(fault: FaultOf<"html">): Response {
  return new Response(
    `<!DOCTYPE html><html><head><title>${fault.status} Internal Server Error</title><style>body{color:red}</style></head><body><h1>Something broke</h1><p>${
      "Lorem ipsum ".repeat(200)
    }</p><pre>at Handler.process (server.js:42)</pre></body></html>`,
    { status: fault.status, headers: { "content-type": "text/html" } },
  );
}

async function delayFault(fault: FaultOf<"delay">): Promise<undefined> {
  await new Promise((resolve) => setTimeout(resolve, fault.ms));
  return undefined;
}

async function hangFault(
  state: EmulatorState,
  request: Request,
): Promise<Response> {
  const aborted = Promise.withResolvers<void>();
  request.signal.addEventListener("abort", () => aborted.resolve(), {
    once: true,
  });
  await Promise.race([aborted.promise, state.closing]);
  return new Response(null, { status: 503 });
}

function resetFault(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode('[{"id": 1, "na'));
      } else {
        controller.error(new Error("connection reset by the emulator"));
      }
    },
  });
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}

function oversizeFault(fault: FaultOf<"oversize">): Response {
  const total = fault.bytes ?? 11 * 1024 * 1024;
  const encoder = new TextEncoder();
  const chunk = encoder.encode(
    `${JSON.stringify({ filler: "x".repeat(64 * 1024) })},`,
  );
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode("["));
    },
    pull(controller) {
      if (sent >= total) {
        controller.enqueue(encoder.encode("{}]"));
        controller.close();
        return;
      }
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}
