/**
 * The `cleura_token_status` tool.
 *
 * @module
 */

import { z } from "zod";
import { httpOptionsOf } from "../../lib/http.ts";
import { defineTool } from "../tool.ts";

/** `cleura_token_status`: whether the server holds a valid Cleura token. */
export const cleuraTokenStatus = defineTool({
  name: "cleura_token_status",
  toolset: "cleura",
  title: "Check the Cleura login",
  description:
    "Tell whether the server currently holds a valid Cleura token for the configured account (it asks the API; it never logs in and never returns the token). " +
    "Use it to check the setup before other Cleura tools, or to explain an authentication failure.",
  input: z.object({}),
  output: z.object({
    login: z.string(),
    apiUrl: z.string(),
    valid: z.boolean(),
  }),
  run: async (_args, call) => {
    const session = call.ctx.cleura();
    return {
      login: session.login,
      apiUrl: session.apiUrl,
      valid: await session.validate(
        httpOptionsOf({ ...call.ctx.http, signal: call.signal }),
      ),
    };
  },
});
