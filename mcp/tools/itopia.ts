/**
 * The itopia tools, each declared once as a value, and their list. The tools of
 * one API share a file (rather than one file each) so that adding an API call
 * touches three files: the lib function with its schema, the CLI command and
 * this tool list (see the README's "Adding an API call").
 *
 * @module
 */

import { z } from "zod";
import { ConfigError } from "../../lib/errors.ts";
import { listCloudInstances, selectInstances } from "../../lib/itopia/api.ts";
import { mintJwt } from "../../lib/itopia/jwt.ts";
import { defineTool, type ToolDefinition } from "../tool.ts";

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** `itopia_mint_jwt`: a locally signed itopia CAS API token. */
export const itopiaMintJwt = defineTool({
  name: "itopia_mint_jwt",
  toolset: "itopia",
  title: "Mint an itopia CAS API token",
  description:
    "Mint a JWT for the itopia CAS API, signed locally (HS256) with the API key from ITOPIA_API_KEY, and return it with its expiry and claims. " +
    "Use it only when the user asks for a token to use elsewhere (for example in curl as 'Authorization: Bearer <token>'); to list instances use itopia_list_instances, which handles tokens itself. " +
    "The token is a credential: show it only to the user who asked. organizationId defaults to ITOPIA_ORGANIZATION_ID; deploymentId pins the token to one deployment; ttlSeconds is 1 to 86400 (default 3600).",
  input: z.object({
    organizationId: id.optional().describe(
      "The organization's id (default ITOPIA_ORGANIZATION_ID)",
    ),
    deploymentId: id.optional().describe("Pin the token to this deployment"),
    ttlSeconds: z.number().int().min(1).max(86_400).optional().describe(
      "Lifetime in seconds, 1 to 86400 (default 3600)",
    ),
  }),
  output: z.object({
    token: z.string(),
    expiresAt: z.string(),
    claims: z.object({
      aud: z.literal("Itopia"),
      iat: z.number().int(),
      exp: z.number().int(),
      organizationId: z.number().int(),
      deploymentId: z.number().int().optional(),
    }),
  }),
  annotations: { openWorldHint: false, idempotentHint: false },
  run: async ({ organizationId, deploymentId, ttlSeconds }, call) => {
    const config = call.ctx.itopiaConfig();
    if (!config.apiKey) {
      throw new ConfigError(
        "ITOPIA_API_KEY is not set in the server's environment",
      );
    }
    const org = organizationId ?? config.organizationId;
    if (org === undefined) {
      throw new ConfigError(
        "organizationId is required: pass it, or set ITOPIA_ORGANIZATION_ID in the server's environment",
      );
    }
    const minted = await mintJwt({
      apiKey: config.apiKey,
      organizationId: org,
      ...(deploymentId === undefined ? {} : { deploymentId }),
      ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
    });
    call.log("info", `Minted an itopia JWT for organization ${org}`);
    return { ...minted };
  },
});

/** The default page size. */
export const DEFAULT_LIMIT = 50;
/** The largest page size. */
export const MAX_LIMIT = 200;

interface Cursor {
  d: number;
  o: number;
  s: string;
  n: string;
}

function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replace(/=+$/, "");
}

function decodeCursor(text: string): Cursor | undefined {
  try {
    const value = JSON.parse(atob(text));
    if (
      Number.isSafeInteger(value?.d) && Number.isSafeInteger(value?.o) &&
      value.o >= 0 && typeof value.s === "string" && typeof value.n === "string"
    ) return value;
  } catch {
    // not base64 or not JSON: reported below as an invalid cursor
  }
  return undefined;
}

/** `itopia_list_instances`: the VM instances of a deployment, a page at a time. */
export const itopiaListInstances = defineTool({
  name: "itopia_list_instances",
  toolset: "itopia",
  title: "List itopia cloud instances",
  description:
    "List the VM instances of an itopia CAS deployment, a page at a time: { total, instances, nextCursor? }. total counts every instance that matches the filters; pass nextCursor back as cursor (with the same deploymentId and filters) for the next page. " +
    "Filters: status (e.g. Running, Stopped; case-insensitive) and nameContains. limit is 1 to 200 (default 50). deploymentId defaults to ITOPIA_DEPLOYMENT_ID. " +
    "Authenticates with ITOPIA_API_KEY and ITOPIA_ORGANIZATION_ID, or else ITOPIA_USERNAME and ITOPIA_PASSWORD, from the server's environment.",
  input: z.object({
    deploymentId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe("The deployment's id (default ITOPIA_DEPLOYMENT_ID)"),
    status: z.string().min(1).max(40).optional().describe(
      "Only instances with this status",
    ),
    nameContains: z.string().min(1).max(100).optional().describe(
      "Only instances whose name contains this",
    ),
    limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(
      "Instances per page, 1 to 200 (default 50)",
    ),
    cursor: z.string().min(1).max(200).optional().describe(
      "nextCursor from the previous page",
    ),
  }),
  output: z.object({
    total: z.number().int(),
    instances: z.array(z.record(z.string(), z.unknown())),
    nextCursor: z.string().optional(),
  }),
  run: async ({ deploymentId, status, nameContains, limit, cursor }, call) => {
    const deployment = deploymentId ?? call.ctx.itopiaConfig().deploymentId;
    if (deployment === undefined) {
      throw new ConfigError(
        "deploymentId is required: pass it, or set ITOPIA_DEPLOYMENT_ID in the server's environment",
      );
    }
    let offset = 0;
    if (cursor !== undefined) {
      const decoded = decodeCursor(cursor);
      if (!decoded) {
        throw new ConfigError("cursor is not a nextCursor of this tool");
      }
      if (
        decoded.d !== deployment || decoded.s !== (status ?? "") ||
        decoded.n !== (nameContains ?? "")
      ) {
        throw new ConfigError(
          "cursor belongs to another query: use the same deploymentId, status and nameContains as the call that returned it",
        );
      }
      offset = decoded.o;
    }
    const all = await listCloudInstances(call.ctx.itopia(deployment), {
      ...call.ctx.http,
      signal: call.signal,
      deploymentId: deployment,
    });
    const page = selectInstances(all, {
      ...(status === undefined ? {} : { status }),
      ...(nameContains === undefined ? {} : { nameContains }),
      offset,
      limit: limit ?? DEFAULT_LIMIT,
    });
    return {
      total: page.total,
      instances: page.instances,
      ...(page.nextOffset === undefined ? {} : {
        nextCursor: encodeCursor({
          d: deployment,
          o: page.nextOffset,
          s: status ?? "",
          n: nameContains ?? "",
        }),
      }),
    };
  },
});

/** Every itopia tool, in the order `tools/list` shows them. */
export const ITOPIA_TOOLS: readonly ToolDefinition[] = [
  itopiaMintJwt,
  itopiaListInstances,
] as unknown as readonly ToolDefinition[];
