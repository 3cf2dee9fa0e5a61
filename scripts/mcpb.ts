/**
 * `deno task mcpb`: builds the MCP Bundles (`.mcpb`) for Claude Desktop, one
 * per platform. Each holds that platform's Deno (the pinned npm package,
 * checked against its integrity), the bundled server (`deno task build`, so
 * dist/mcp.js) and the manifest of `scripts/mcpb_manifest.ts`; the official
 * bundle tool (`@anthropic-ai/mcpb`, pinned in tests/tools/deno.json) packs
 * them.
 *
 * ```sh
 * deno task mcpb                                  # all four, into dist/mcpb/
 * deno task mcpb --platform linux-x64 --out DIR   # one (repeat --platform for more)
 * ```
 *
 * The npm tarballs are fetched from `NPM_CONFIG_REGISTRY` (default
 * https://registry.npmjs.org) once, into dist/mcpb-cache/.
 *
 * @module
 */

import { packExtension } from "@anthropic-ai/mcpb";
import { parseArgs } from "node:util";
import {
  bundleName,
  DENO_VERSION,
  manifestFor,
  type Platform,
  PLATFORMS,
} from "./mcpb_manifest.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const CACHE = `${ROOT}dist/mcpb-cache`;

/** The SHA-512 of some bytes as npm's `dist.integrity` writes it. */
async function integrity(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-512", bytes));
  return `sha512-${btoa(String.fromCharCode(...digest))}`;
}

/** A platform's npm tarball: from the cache, else from the registry; checked. */
async function tarball(platform: Platform): Promise<Uint8Array<ArrayBuffer>> {
  const file = `${
    platform.npm.slice(platform.npm.indexOf("/") + 1)
  }-${DENO_VERSION}.tgz`;
  const path = `${CACHE}/${file}`;
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (bytes === undefined || await integrity(bytes) !== platform.integrity) {
    const registry = (Deno.env.get("NPM_CONFIG_REGISTRY") ||
      "https://registry.npmjs.org").replace(/\/+$/, "");
    const url = `${registry}/${platform.npm}/-/${file}`;
    const response = await fetch(url);
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    bytes = new Uint8Array(await response.arrayBuffer());
    const got = await integrity(bytes);
    if (got !== platform.integrity) {
      throw new Error(
        `${url}: integrity ${got}, expected ${platform.integrity}`,
      );
    }
    await Deno.mkdir(CACHE, { recursive: true });
    await Deno.writeFile(path, bytes);
  }
  return bytes;
}

/** One file of a (gzipped) tar archive, by its path in the archive. */
async function fromTar(
  gzipped: Uint8Array<ArrayBuffer>,
  wanted: string,
): Promise<Uint8Array> {
  const tar = new Uint8Array(
    await new Response(
      new Blob([gzipped]).stream().pipeThrough(
        new DecompressionStream("gzip"),
      ),
    ).arrayBuffer(),
  );
  const text = (from: number, length: number) =>
    new TextDecoder().decode(tar.subarray(from, from + length)).replace(
      /\0.*$/s,
      "",
    );
  for (let at = 0; at + 512 <= tar.length;) {
    const name = text(at, 100);
    if (name === "") break;
    const prefix = text(at + 345, 155);
    const size = parseInt(text(at + 124, 12).trim() || "0", 8);
    const type = text(at + 156, 1);
    const path = prefix === "" ? name : `${prefix}/${name}`;
    if (path === wanted && (type === "0" || type === "")) {
      return tar.subarray(at + 512, at + 512 + size);
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in the tarball`);
}

/** Deno's license, for the binary a bundle redistributes. */
const denoLicense = (platform: Platform) =>
  `Deno ${DENO_VERSION} (server/${platform.binary}), from the npm package ${platform.npm};
source: https://github.com/denoland/deno

MIT License

Copyright 2018-2026 the Deno authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`;

/** Builds dist/mcp.js with `deno task build`. */
async function buildServer(): Promise<string> {
  // "deno" as --allow-run=deno names it: the Deno on PATH that runs the task.
  const { code } = await new Deno.Command("deno", {
    args: ["task", "--quiet", "build"],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`deno task build failed (exit ${code})`);
  return `${ROOT}dist/mcp.js`;
}

/** Builds one platform's bundle in `out`; returns its path and size. */
async function build(
  platform: Platform,
  server: string,
  out: string,
): Promise<{ path: string; size: number }> {
  const stage = `${out}/${platform.id}`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${stage}/server`, { recursive: true });
  const binary = await fromTar(
    await tarball(platform),
    `package/${platform.binary}`,
  );
  await Deno.writeFile(`${stage}/server/${platform.binary}`, binary, {
    mode: 0o755,
  });
  await Deno.chmod(`${stage}/server/${platform.binary}`, 0o755);
  await Deno.copyFile(server, `${stage}/server/mcp.js`);
  await Deno.copyFile(`${ROOT}LICENSE`, `${stage}/LICENSE`);
  await Deno.writeTextFile(
    `${stage}/server/DENO_LICENSE.txt`,
    denoLicense(platform),
  );
  await Deno.writeTextFile(
    `${stage}/manifest.json`,
    `${JSON.stringify(manifestFor(platform), null, 2)}\n`,
  );
  const path = `${out}/${bundleName(platform)}`;
  const packed = await packExtension({
    extensionPath: stage,
    outputPath: path,
    silent: true,
  });
  if (!packed) throw new Error(`mcpb pack refused ${stage}`);
  await Deno.remove(stage, { recursive: true });
  return { path, size: (await Deno.stat(path)).size };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      platform: { type: "string", multiple: true },
      out: { type: "string" },
    },
  });
  const chosen = values.platform ?? PLATFORMS.map((p) => p.id);
  const platforms = chosen.map((id) => {
    const platform = PLATFORMS.find((p) => p.id === id);
    if (platform === undefined) {
      throw new Error(
        `--platform takes ${
          PLATFORMS.map((p) => p.id).join(", ")
        }, got "${id}"`,
      );
    }
    return platform;
  });
  const out = (values.out ?? `${ROOT}dist/mcpb`).replace(/\/+$/, "");
  await Deno.mkdir(out, { recursive: true });
  const server = await buildServer();
  for (const platform of platforms) {
    const { path, size } = await build(platform, server, out);
    console.log(`${path}  ${(size / 1e6).toFixed(1)} MB`);
  }
}
