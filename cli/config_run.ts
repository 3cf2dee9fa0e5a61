/**
 * What `cleura config view`, `config path` and `config get-credentials` do:
 * the settings from the one resolver (flag, environment, profile, default),
 * with their sources; the config file's path from the one folder lookup; the
 * login and token as Cleura's CLI gives them to other tools.
 *
 * @module
 */

import { cleuraConfigPath } from "../lib/cleura/profile.ts";
import type { CleuraSettings, SettingSource } from "../lib/cleura/settings.ts";
import type { Parsed } from "./args.ts";
import type { CommandEnv } from "./command.ts";
import type { CREDENTIALS_OPTIONS, VIEW_OPTIONS } from "./config.ts";
import { CLEURA_COMPLIANT_URL, CLEURA_PUBLIC_URL } from "../lib/config.ts";
import { ConfigError } from "../lib/errors.ts";
import { formatOf, printData, printList } from "./output.ts";
import { anyCleuraSettings, tokenOnlySession } from "./cleura_session.ts";

/** One setting as `config view` shows it. */
interface SettingRow {
  name: string;
  /** The value; `set` for a password or token, whose value is never shown. */
  value: string;
  source: SettingSource;
}

function rowsOf(settings: CleuraSettings): SettingRow[] {
  return Object.entries(settings.sources).map(([name, source]) => ({
    name,
    value: name === "password" || name === "token"
      ? "set"
      : String(settings[name as keyof typeof settings]),
    source: source!,
  }));
}

function sourceText(source: SettingSource, profile: string | undefined) {
  if (source.kind === "default") return "default";
  if (source.kind === "profile") {
    return `${source.name} of profile "${profile}"`;
  }
  return source.name;
}

/** `cleura config view`: each setting, its value and its source. */
export async function view(
  options: Parsed<typeof VIEW_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const settings = await anyCleuraSettings(env, options.profile);
  const { profile } = settings;
  const rows = rowsOf(settings);
  const data = {
    profile: profile
      ? { name: profile.name, path: profile.path, chosenBy: profile.chosenBy }
      : null,
    settings: rows,
  };
  const format = formatOf(options);
  if (format === "table" && profile) {
    env.io.out(
      `Profile "${profile.name}" of ${profile.path} (chosen by ${profile.chosenBy})`,
    );
  }
  return await printList(env.io, format, {
    data,
    rows,
    empty: "No Cleura setting is set.",
    columns: [
      { header: "SETTING", value: (r) => r.name },
      { header: "VALUE", value: (r) => r.value },
      { header: "FROM", value: (r) => sourceText(r.source, profile?.name) },
    ],
  });
}

/** `cleura config path`: the file of Cleura's CLI config. */
export function path(env: CommandEnv): number {
  const file = cleuraConfigPath(env.io.env);
  if (file === undefined) {
    throw new ConfigError(
      "No location for Cleura's CLI config is known: set CLEURA_CONFIG, XDG_CONFIG_HOME or HOME",
    );
  }
  env.io.out(file);
  return 0;
}

const CLOUDS: Record<string, string> = {
  [CLEURA_PUBLIC_URL]: "public",
  [CLEURA_COMPLIANT_URL]: "compliant",
};

/**
 * `cleura config get-credentials`: `{version: 1, profile, cloud?, endpoint,
 * username, token, region?, project_id?, token_stored_at?}` on stdout, as
 * Cleura's CLI prints it for other tools (the token in the clear: that is
 * the command's purpose); `{"error": …}` and exit 2 when there is no token or
 * no username, or `--validate` finds the token refused.
 */
export async function credentials(
  options: Parsed<typeof CREDENTIALS_OPTIONS>,
  env: CommandEnv,
): Promise<number> {
  const settings = await anyCleuraSettings(env, options.profile);
  const { apiUrl, username, profile } = settings;
  const none = async (error: string) => {
    await printData(env.io, "json", { error });
    return 2;
  };
  const cached = username
    ? await env.cache.get({ apiUrl, login: username })
    : undefined;
  const token = settings.token ?? cached?.token;
  if (token === undefined) {
    return await none(
      `no credentials: no token for ${
        username ? `"${username}"` : "the account"
      }; run 'cloudgate cleura login'`,
    );
  }
  if (!username) {
    return await none(
      "no credentials: a token is set but no username; the API needs both",
    );
  }
  if (options.validate) {
    const session = tokenOnlySession(env, { ...settings, username, token });
    if (!await session.validate(env.http)) {
      return await none(
        "no credentials: the API refused the token; run 'cloudgate cleura login'",
      );
    }
  }
  // When the token is cloudgate's cached one, when it was stored.
  const storedAt = settings.token === undefined ? cached?.savedAt : undefined;
  const cloud = CLOUDS[apiUrl.replace(/\/+$/, "")];
  await printData(env.io, "json", {
    version: 1,
    profile: profile?.name ?? "default",
    ...(cloud ? { cloud } : {}),
    endpoint: apiUrl,
    username,
    token,
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.projectId ? { project_id: settings.projectId } : {}),
    ...(storedAt ? { token_stored_at: storedAt } : {}),
  });
  return 0;
}
