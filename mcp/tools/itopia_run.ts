/**
 * What the itopia tools of `itopia.ts` do, loaded on the first call of one.
 *
 * @module
 */

import { ConfigError } from "../../lib/errors.ts";
import { listCloudInstances, selectInstances } from "../../lib/itopia/api.ts";
import { mintJwt } from "../../lib/itopia/jwt.ts";
import type { ToolCall } from "../tool.ts";
import { DEFAULT_LIMIT, MCP_DEFAULT_TTL_SECONDS } from "./itopia.ts";

/** `itopia_mint_jwt`. */
export async function jwt(
  { organizationId, deploymentId, ttlSeconds }: {
    organizationId?: number | undefined;
    deploymentId?: number | undefined;
    ttlSeconds?: number | undefined;
  },
  call: ToolCall,
) {
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
    ttlSeconds: ttlSeconds ?? MCP_DEFAULT_TTL_SECONDS,
  });
  call.log("info", `Minted an itopia JWT for organization ${org}`);
  return { ...minted };
}

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

/** `itopia_list_instances`. */
export async function instances(
  { deploymentId, status, nameContains, limit, cursor }: {
    deploymentId?: number | undefined;
    status?: string | undefined;
    nameContains?: string | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
  },
  call: ToolCall,
) {
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
  const all = await listCloudInstances(await call.ctx.itopia(deployment), {
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
}
