/**
 * The JSON Schemas `tools/list` shows for a tool: without what a model pays
 * for and learns nothing from (`$schema`, length caps, bounds that only say
 * "a safe integer"), and for a result only its outline. Validation stays the
 * zod schema's own. Each is converted once per process, whichever server or
 * session lists it; cloudgate's own tools' were converted beforehand
 * (`mcp/tools/listing.json`), so the first `tools/list` converts none.
 *
 * @module
 */

import type { z } from "zod";

/** A tool, as far as its stored listing goes: its name. */
interface Listed {
  readonly name: string;
}

const SAFE = Number.MAX_SAFE_INTEGER;

/** The options of the conversion a stored JSON Schema stands for. */
const STORED_TARGET = JSON.stringify({ target: "draft-2020-12" });

/** A schema's lean JSON Schema for `draft-2020-12`, by direction. */
export interface StoredJson {
  /** As an input (the arguments). */
  input?: Record<string, unknown>;
  /** As an output (the result). */
  output?: Record<string, unknown>;
}

/** A tool's JSON Schemas as `tools/list` shows them, written down beforehand. */
export interface StoredListing {
  /** The arguments' lean JSON Schema. */
  input: Record<string, unknown>;
  /** The result's outline. */
  output: Record<string, unknown>;
}

const STORED = new WeakMap<Listed, StoredListing>();

/**
 * Gives tools the JSON Schemas their listing shows, converted beforehand
 * (`deno task readme` writes them), so that a server answers its first
 * `tools/list` without converting zod schemas; a tool without an entry is
 * converted on first use. A test compares each entry with the conversion.
 *
 * @param tools The tools.
 * @param stored Their JSON Schemas, by tool name.
 * @returns The same tools.
 *
 * @example
 * ```ts
 * import { withStoredListing } from "./tool_schema.ts";
 * const tools = withStoredListing([], {});
 * ```
 */
export function withStoredListing<T extends Listed>(
  tools: readonly T[],
  stored: Readonly<Record<string, StoredListing>>,
): readonly T[] {
  for (const tool of tools) {
    const listing = stored[tool.name];
    if (listing) STORED.set(tool, listing);
  }
  return tools;
}

/**
 * What {@linkcode withStoredListing} gave a tool for one direction, for
 * {@linkcode lean}.
 *
 * @param tool The tool.
 * @param io `input` for its arguments, `output` for its result.
 * @returns The stored JSON Schema by direction, or nothing.
 */
export function storedJson(tool: Listed, io: keyof StoredJson): StoredJson {
  const stored = STORED.get(tool);
  return stored ? { [io]: stored[io] } : {};
}

/** A JSON Schema without what a model pays for and learns nothing from. */
function leanJson(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(leanJson);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // Length caps are the server's to check; a model needs only the meaning.
    if (key === "$schema" || key === "minLength" || key === "maxLength") {
      continue;
    }
    if ((key === "maximum" || key === "exclusiveMaximum") && value === SAFE) {
      continue;
    }
    if ((key === "minimum" || key === "exclusiveMinimum") && value === -SAFE) {
      continue;
    }
    out[key] = leanJson(value);
  }
  return out;
}

/**
 * An output schema cut to its outline: the result's own fields with their
 * types and descriptions, and the elements of its lists as plain objects.
 * The full shape is the tool's own to check (the server validates every
 * result against it); a model reads the fields' meaning from the
 * description, so it does not pay for nested schemas in every conversation.
 */
function outline(node: unknown, depth = 0): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) {
    return node;
  }
  const schema = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (
    const key of [
      "type",
      "description",
      "anyOf",
      "items",
      "properties",
      "required",
    ]
  ) {
    const value = schema[key];
    if (value === undefined) continue;
    if (key === "anyOf" && Array.isArray(value)) {
      out.anyOf = value.map((v) => outline(v, depth));
    } else if (key === "items") {
      out.items = outline(value, depth + 1);
    } else if (key === "properties" || key === "required") {
      if (depth >= 1) continue;
      out[key] = key === "required" ? value : Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map((
          [name, child],
        ) => [name, outline(child, depth + 1)]),
      );
    } else out[key] = value;
  }
  return out;
}

/**
 * The same schema, whose JSON Schema (what `tools/list` shows) has no
 * `$schema` line and no bounds that only say "a safe integer" (and, for an
 * output schema, only its outline); validation is the schema's own. The
 * JSON Schema is converted on first use, then the same (frozen) object is
 * given every time; for the target the SDK asks (`draft-2020-12`) it is
 * `stored`, when given: the conversion written down beforehand
 * (`mcp/tools/listing.json`, whose test compares it with this conversion).
 *
 * @param schema The zod schema.
 * @param short Only the outline (for a result).
 * @param stored The lean JSON Schema for `draft-2020-12`, by direction.
 * @returns The schema, with the lean JSON Schema.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { lean } from "./tool_schema.ts";
 * const input = lean(z.object({ name: z.string().max(63) }));
 * input["~standard"].jsonSchema.input({ target: "draft-2020-12" });
 * // { type: "object", properties: { name: { type: "string" } }, ... }
 * ```
 */
export function lean<S extends z.ZodObject>(
  schema: S,
  short = false,
  stored: StoredJson = {},
): S {
  const standard = schema["~standard"];
  const convert = standard.jsonSchema;
  type Options = Parameters<typeof convert.input>[0];
  const shape = (json: Record<string, unknown>) =>
    (short ? outline(leanJson(json)) : leanJson(json)) as Record<
      string,
      unknown
    >;
  // Converted once per direction and options, then shared (frozen) by every
  // server of the process and every listing.
  const built = new Map<string, Record<string, unknown>>();
  const once = (io: "input" | "output") => (options: Options) => {
    const key = `${io} ${JSON.stringify(options ?? {})}`;
    let json = built.get(key);
    if (json === undefined) {
      const given = key === `${io} ${STORED_TARGET}` ? stored[io] : undefined;
      json = deepFreeze(given ?? shape(convert[io](options)));
      built.set(key, json);
    }
    return json;
  };
  const leanStandard = {
    ...standard,
    validate: standard.validate.bind(standard),
    jsonSchema: { input: once("input"), output: once("output") },
  };
  return new Proxy(schema, {
    get(target, key, receiver) {
      if (key !== "~standard") return Reflect.get(target, key, receiver);
      return leanStandard;
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
