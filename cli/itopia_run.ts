/**
 * What the itopia commands run (declared in `itopia.ts`). `itopia jwt`, the
 * one scripts call most, loads only jose and the configuration; `login` and
 * `instances` load the API client (and its response schemas) when they run.
 *
 * @module
 */

import { ConfigError } from "../lib/errors.ts";
import { mintJwt } from "../lib/itopia/jwt.ts";
import { type ItopiaConfig, itopiaConfig } from "../lib/config.ts";
import { idOption, type Parsed, ttlOption } from "./args.ts";
import type { CommandEnv } from "./command.ts";
import type { CliIo } from "./io.ts";
import type { INSTANCES_OPTIONS, JWT_OPTIONS } from "./itopia.ts";
import { formatOf, printData, printList } from "./output.ts";

/** The settings behind each id flag: the config's field and its variable. */
const ID_SETTINGS = {
  "organization-id": ["organizationId", "ITOPIA_ORGANIZATION_ID"],
  "deployment-id": ["deploymentId", "ITOPIA_DEPLOYMENT_ID"],
} as const;

type IdFlag = keyof typeof ID_SETTINGS;

/** An id from its flag, else from the environment (when set there). */
function itopiaId(
  flag: IdFlag,
  options: Record<IdFlag, string | undefined>,
  config: ItopiaConfig,
): number | undefined {
  return idOption(flag, options[flag], config[ID_SETTINGS[flag][0]]);
}

/**
 * An id from its flag, else from the environment.
 *
 * @throws {ConfigError} When neither gives it.
 */
function requiredItopiaId(
  flag: IdFlag,
  options: Record<IdFlag, string | undefined>,
  config: ItopiaConfig,
): number {
  const id = itopiaId(flag, options, config);
  if (id === undefined) {
    throw new ConfigError(
      `${ID_SETTINGS[flag][1]} is not set (or pass --${flag})`,
    );
  }
  return id;
}

/** The itopia password: from the environment, else from a prompt. */
async function itopiaPassword(
  io: CliIo,
  username: string,
  password: string | undefined,
): Promise<string | undefined> {
  if (password || !io.isTerminal) return password;
  return await io.readSecret(`itopia password for "${username}": `);
}

/** `itopia jwt`: mints a token locally, no network. */
export async function jwt(
  options: Parsed<typeof JWT_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const config = itopiaConfig(env.io.env);
  if (!config.apiKey) throw new ConfigError("ITOPIA_API_KEY is not set");
  const organizationId = requiredItopiaId("organization-id", options, config);
  const deploymentId = itopiaId("deployment-id", options, config);
  const ttlSeconds = ttlOption(options.ttl);
  const minted = await mintJwt({
    apiKey: config.apiKey,
    organizationId,
    ...(deploymentId === undefined ? {} : { deploymentId }),
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  const format = formatOf(options);
  if (format === "table") env.io.out(minted.token);
  else await printData(env.io, format, minted);
  return 0;
}

/** `itopia login`: a CAS admin's login, the token printed. */
export async function login(env: CommandEnv): Promise<number> {
  const config = itopiaConfig(env.io.env);
  if (!config.username) throw new ConfigError("ITOPIA_USERNAME is not set");
  const password = await itopiaPassword(
    env.io,
    config.username,
    config.password,
  );
  if (!password) throw new ConfigError("ITOPIA_PASSWORD is not set");
  const { loginItopia } = await import("../lib/itopia/auth.ts");
  const result = await loginItopia(
    { apiUrl: config.apiUrl, username: config.username, password },
    env.http,
  );
  env.io.out(result.token);
  return 0;
}

/** `itopia instances`: a deployment's VM instances, as a table or data. */
export async function instances(
  options: Parsed<typeof INSTANCES_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const { io } = env;
  const config = itopiaConfig(io.env);
  const deploymentId = requiredItopiaId("deployment-id", options, config);
  const organizationId = itopiaId("organization-id", options, config);
  if (!config.apiKey && config.username) {
    const password = await itopiaPassword(
      io,
      config.username,
      config.password,
    );
    if (password) config.password = password;
  }
  const [{ ItopiaAuth }, { listCloudInstances }] = await Promise.all([
    import("../lib/itopia/auth.ts"),
    import("../lib/itopia/api.ts"),
  ]);
  const auth = ItopiaAuth.fromConfig({
    ...config,
    ...(organizationId === undefined ? {} : { organizationId }),
    deploymentId,
  }, {
    ...env.http,
    onEvent: (event) => {
      if (event.type === "token-lifetime" && env.debug) {
        io.err(
          `debug: the itopia token's expiry was read as ${event.reading}; it is used for ${event.seconds} s`,
        );
      }
    },
  });
  const instances = await listCloudInstances(auth, {
    ...env.http,
    deploymentId,
  });
  const extra = Object.keys(instances[0] ?? {}).filter((k) =>
    !["id", "name", "status"].includes(k) &&
    ["string", "number", "boolean"].includes(typeof instances[0]?.[k])
  ).slice(0, 3);
  const format = formatOf(options);
  await printList(io, format, {
    data: { instances, total: instances.length },
    rows: instances,
    empty: "No instances.",
    columns: [
      { header: "ID", value: (i) => i.id },
      { header: "NAME", value: (i) => i.name },
      { header: "STATUS", value: (i) => i.status },
      ...extra.map((k) => ({
        header: k.replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase(),
        value: (i: Record<string, unknown>) => i[k],
      })),
    ],
  });
  if (format === "table" && instances.length > 0) {
    io.out(
      `${instances.length} instance${instances.length === 1 ? "" : "s"}`,
    );
  }
  return 0;
}
