/**
 * What the server's MCP Bundles (`.mcpb`, for Claude Desktop) hold. That is
 * the platforms, the pinned Deno binary of each (from its npm package), and
 * the `manifest.json` (manifest_version 0.3). `scripts/mcpb.ts` builds the
 * bundles from it; `tests/mcpb_test.ts` checks and runs one.
 *
 * @module
 */

import config from "../deno.json" with { type: "json" };
import { cacheDirFrom, cleuraConfigPath } from "../lib/dirs.ts";
import { VERSION } from "../lib/version.ts";
import { selectTools } from "../mcp/toolsets.ts";
import { TOOLS } from "../mcp/tools/mod.ts";

/** The Deno every bundle ships (the npm packages `@deno/<platform>`). */
export const DENO_VERSION = "2.9.6";

/** One platform a bundle is built for. */
export interface Platform {
  /** The name in the bundle's file name, e.g. `linux-x64`. */
  id: string;
  /** The npm package that holds its Deno binary. */
  npm: string;
  /** The tarball's `dist.integrity` (`npm view <package>@<version> dist.integrity`). */
  integrity: string;
  /** `process.platform` as the manifest's `compatibility.platforms` names it. */
  os: "linux" | "darwin" | "win32";
  /** The binary's name in the package and in the bundle's `server/`. */
  binary: "deno" | "deno.exe";
}

/** Every platform `deno task mcpb` builds, with the pinned tarballs. */
export const PLATFORMS: readonly Platform[] = [
  {
    id: "linux-x64",
    npm: "@deno/linux-x64-glibc",
    integrity:
      "sha512-3md4TKLCuzsLDmfOoC5KN7NAZaxSVkMgm64vg6foD00JBADCpYS2/5QqXfzgnP5ZQz3iLP9vBQJtEgc116OAoQ==",
    os: "linux",
    binary: "deno",
  },
  {
    id: "darwin-arm64",
    npm: "@deno/darwin-arm64",
    integrity:
      "sha512-V8uO1Aolrl/yvdMb5lOtgtigs8YuZBjrOrgviVMiYkQ0swymFfzkae1wZak4Xi24t7vf7d/eiMb/7ryjjVm+tg==",
    os: "darwin",
    binary: "deno",
  },
  {
    id: "darwin-x64",
    npm: "@deno/darwin-x64",
    integrity:
      "sha512-tPi3CWPRdjW1MaWlvWjORE7Ass5SADdWdj1BF1Q1PEdzi+5u/mC5YhmZzniMiPr81PpaFeqjXaLAsfb8lFsZ0Q==",
    os: "darwin",
    binary: "deno",
  },
  {
    id: "win32-x64",
    npm: "@deno/win32-x64",
    integrity:
      "sha512-qRGnmVz/Ea6UWPht/S3xFRK17UZ/ls38DSVfgGB17fpASLxPkksqzWUI/BzL9YYoOknYzfc94mySGyInZu/JXw==",
    os: "win32",
    binary: "deno.exe",
  },
];

/** The file name of a platform's bundle. */
export function bundleName(platform: Platform): string {
  return `cloudgate-${VERSION}-${platform.id}.mcpb`;
}

/** The settings Claude Desktop asks for, and the variable each one sets. */
const SETTINGS: readonly {
  key: string;
  variable: string;
  title: string;
  description: string;
  sensitive?: true;
}[] = [
  {
    key: "cleura_login",
    variable: "CLEURA_API_USERNAME",
    title: "Cleura login",
    description:
      "Your Cleura Cloud login (with the password below). Leave empty for no Cleura tools, or to use a token.",
  },
  {
    key: "cleura_password",
    variable: "CLEURA_API_PASSWORD",
    title: "Cleura password",
    description:
      "The password of that login; kept in the system keychain. When a login needs an SMS code, the tool's answer links a local page to type it on.",
    sensitive: true,
  },
  {
    key: "cleura_token",
    variable: "CLEURA_API_TOKEN",
    title: "Cleura token",
    description:
      "Instead of the password: a Cleura session token (with the login above); kept in the system keychain.",
    sensitive: true,
  },
  {
    key: "cleura_api_url",
    variable: "CLEURA_API_URL",
    title: "Cleura API URL",
    description:
      "Leave empty for https://rest.cleura.cloud; https://rest.compliant.cleura.cloud for the Compliant Cloud, or the http://127.0.0.1 URL of `cloudgate emulator`.",
  },
  {
    key: "itopia_api_key",
    variable: "ITOPIA_API_KEY",
    title: "itopia API key",
    description:
      "The itopia CAS API key tokens are minted with; kept in the system keychain. Leave empty for no itopia tools.",
    sensitive: true,
  },
  {
    key: "itopia_organization_id",
    variable: "ITOPIA_ORGANIZATION_ID",
    title: "itopia organization",
    description: "The itopia organization id the key belongs to (a number).",
  },
  {
    key: "itopia_api_url",
    variable: "ITOPIA_API_URL",
    title: "itopia API URL",
    description:
      "Leave empty for https://cas-rest.itopia.com, or the http://127.0.0.1 URL of `cloudgate emulator`.",
  },
];

/**
 * The folders the server reads and writes on a platform, from the user's
 * home folder (`${HOME}`, which Claude Desktop fills in): the token cache it
 * shares with the CLI (`~/.cache/cloudgate`, on Windows also
 * `%LOCALAPPDATA%\cloudgate`) and Cleura's CLI config, read only
 * (`~/.config/cleura`, on Windows also `%APPDATA%\cleura`).
 */
function folders(platform: Platform): { read: string[]; write: string[] } {
  // The one folder lookup of lib/dirs.ts, given Claude Desktop's `${HOME}`
  // (and on Windows the folders it stands for there).
  const home = "${HOME}";
  const cache = [cacheDirFrom({ HOME: home }, "linux")!];
  const cleura = [folderOf(cleuraConfigPath({ HOME: home })!)];
  if (platform.os === "win32") {
    cache.push(
      cacheDirFrom({ LOCALAPPDATA: `${home}\\AppData\\Local` }, "windows")!,
    );
    cleura.push(
      folderOf(cleuraConfigPath({ APPDATA: `${home}\\AppData\\Roaming` })!),
    );
  }
  return { read: [...cache, ...cleura], write: cache };
}

/** The folder a file path is in. */
function folderOf(path: string): string {
  return path.replace(/[\\/][^\\/]*$/, "");
}

/**
 * The `deno run` arguments of a platform's bundle: no config, lock, remote or
 * npm module (the server is one bundled file), no prompt (stdin is MCP's),
 * the network and variables of deno.json's `mcp` permission set, and read
 * and write only where the server keeps its files.
 */
export function denoArgs(platform: Platform): string[] {
  const { net, env } = config.permissions.mcp;
  const { read, write } = folders(platform);
  return [
    "run",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--no-prompt",
    "--quiet",
    `--allow-net=${net.join(",")}`,
    `--allow-env=${env.join(",")}`,
    `--allow-read=${read.join(",")}`,
    `--allow-write=${write.join(",")}`,
    "${__dirname}/server/mcp.js",
  ];
}

/**
 * A platform's `manifest.json`.
 *
 * @param platform The platform.
 * @returns The manifest, as JSON.
 */
export function manifestFor(platform: Platform): Record<string, unknown> {
  const tools = selectTools(TOOLS);
  return {
    manifest_version: "0.3",
    name: "cloudgate",
    display_name: "cloudgate: Cleura Cloud and itopia",
    version: VERSION,
    description:
      "Cleura Cloud (regions, domains, projects, Kubernetes clusters) and itopia CAS (tokens, cloud instances) for Claude.",
    long_description:
      `The cloudgate MCP server with its own Deno ${DENO_VERSION}: nothing to install. It reaches only ${
        config.permissions.mcp.net.slice(0, 3).join(", ")
      } (and this machine, for the page where you type an SMS code), reads only its token cache and Cleura's CLI config, and lists the read-only tools and itopia_mint_jwt (which returns a credential); the tools that change a cluster are left out.`,
    author: { name: "The cloudgate authors" },
    license: config.license,
    keywords: ["cleura", "itopia", "openstack", "kubernetes", "gardener"],
    server: {
      type: "binary",
      entry_point: `server/${platform.binary}`,
      mcp_config: {
        command: `\${__dirname}/server/${platform.binary}`,
        args: denoArgs(platform),
        env: {
          ...Object.fromEntries(
            SETTINGS.map((s) => [s.variable, `\${user_config.${s.key}}`]),
          ),
          DENO_NO_UPDATE_CHECK: "1",
        },
      },
    },
    tools: tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
    })),
    tools_generated: false,
    compatibility: { platforms: [platform.os] },
    user_config: Object.fromEntries(
      SETTINGS.map((s) => [s.key, {
        type: "string",
        title: s.title,
        description: s.description,
        required: false,
        // An empty default, so that a setting left empty expands to ""
        // (which the server reads as unset) and not to "${user_config.…}".
        default: "",
        ...(s.sensitive ? { sensitive: true } : {}),
      }]),
    ),
  };
}
