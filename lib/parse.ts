/**
 * Checks API responses against their expected shapes, turning a mismatch
 * into a {@linkcode ResponseFormatError} that names the step.
 *
 * @module
 */

import type { z } from "zod";
import { ResponseFormatError } from "./errors.ts";
import { isRecord } from "./is_record.ts";

/** Where a body came from, for error messages. */
export interface BodySource {
  /** The step, worded to follow "Cannot", e.g. `list domains`. */
  step: string;
  /** The path that answered, e.g. `/accesscontrol/v1/openstack/domains`. */
  endpoint: string;
}

/**
 * Parses a response body with a zod schema.
 *
 * @param schema The expected shape.
 * @param body The parsed JSON body.
 * @param source The step and endpoint, for the error message.
 * @returns The typed value.
 * @throws {ResponseFormatError} Naming the step, the endpoint and the first
 * field at fault.
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
  source: BodySource,
): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0
    ? ` at "${issue.path.join(".")}"`
    : "";
  throw new ResponseFormatError(
    `Cannot ${source.step}: the response of ${source.endpoint} has an unexpected shape${where}: ${
      issue?.message ?? "invalid"
    }`,
  );
}

/**
 * Finds the list in a response that is either a JSON array or an object that
 * wraps exactly one array (such as `{"items":[...],"total":3}`).
 *
 * @param body The parsed JSON body.
 * @param source The step and endpoint, for the error message.
 * @returns The array.
 * @throws {ResponseFormatError} When there is no single array to take.
 */
export function unwrapArray(body: unknown, source: BodySource): unknown[] {
  if (Array.isArray(body)) return body;
  if (isRecord(body)) {
    const arrays = Object.values(body).filter(Array.isArray);
    if (arrays.length === 1 && arrays[0]) return arrays[0];
    if (arrays.length === 0) {
      for (const value of Object.values(body)) {
        if (isRecord(value)) {
          const inner = Object.values(value).filter(Array.isArray);
          if (inner.length === 1 && inner[0]) return inner[0];
        }
      }
    }
  }
  throw new ResponseFormatError(
    `Cannot ${source.step}: the response of ${source.endpoint} is not a list, nor an object that wraps one`,
  );
}
