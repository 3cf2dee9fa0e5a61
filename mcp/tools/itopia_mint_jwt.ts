/**
 * The `itopia_mint_jwt` tool.
 *
 * @module
 */

import { z } from "zod";
import { ConfigError } from "../../lib/errors.ts";
import { mintJwt } from "../../lib/itopia/jwt.ts";
import { defineTool } from "../tool.ts";

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
