/**
 * The whole cloudgate story with no account, no network and no input: an
 * in-process emulator of both APIs, driven through the same CLI commands a
 * person types. Run it with `deno task demo`.
 *
 * @module
 */

import { type CliIo, main } from "./cli.ts";
import { decodeJwtUnverified } from "./mod.ts";
import { EMULATOR_FIXTURES, startEmulator } from "./lib/testing/mod.ts";

const color = !Deno.noColor && Deno.stdout.isTerminal();
const bold = (text: string) => color ? `\x1b[1m${text}\x1b[0m` : text;
const dim = (text: string) => color ? `\x1b[2m${text}\x1b[0m` : text;

await using emulator = await startEmulator();
const cacheDir = await Deno.makeTempDir({ prefix: "cloudgate-demo-" });
const itopiaKey = EMULATOR_FIXTURES.itopiaApiKeys[0]!.key;

const env = {
  CLEURA_API_URL: emulator.cleuraUrl,
  CLEURA_API_USERNAME: "bob",
  CLEURA_API_PASSWORD: "bob-password",
  ITOPIA_API_URL: emulator.itopiaUrl,
  ITOPIA_API_KEY: itopiaKey,
  ITOPIA_ORGANIZATION_ID: "42",
};

async function step(title: string, args: string[]): Promise<string[]> {
  console.log(`\n${bold(`# ${title}`)}`);
  console.log(dim(`$ cloudgate ${args.join(" ")}`));
  const out: string[] = [];
  const io: CliIo = {
    out: (line) => {
      out.push(line);
      console.log(line);
    },
    err: (line) => console.log(dim(line)),
    readLine: () => {
      const code = emulator.lastSmsCode("bob");
      const typed = code === undefined
        ? undefined
        : String(code).padStart(6, "0");
      console.log(
        dim(`(the SMS code ${typed} is read from the emulator's outbox)`),
      );
      return Promise.resolve(typed);
    },
    readSecret: () => Promise.resolve(undefined),
    isTerminal: false,
    env,
    cacheDir,
  };
  const code = await main(args, io);
  if (code !== 0) throw new Error(`the demo step "${title}" exited ${code}`);
  return out;
}

try {
  console.log(bold("cloudgate demo") + dim(` (emulator at ${emulator.url})`));
  await step("Log in to Cleura as bob, who has SMS two-factor", [
    "cleura",
    "login",
  ]);
  await step("List the regions (the token comes from the cache)", [
    "cleura",
    "regions",
  ]);
  await step("Check the token", ["cleura", "whoami"]);
  const [jwt] = await step("Mint an itopia JWT from the API key", [
    "itopia",
    "jwt",
    "--ttl",
    "600",
  ]);
  const decoded = decodeJwtUnverified(jwt ?? "");
  console.log(dim("decoded (not verified):"));
  console.log(JSON.stringify(decoded, null, 2));
  await step("List the instances of deployment 101", [
    "itopia",
    "instances",
    "--deployment-id",
    "101",
  ]);
  await step("Log out of Cleura", ["cleura", "logout"]);
  const c = emulator.counters;
  console.log(
    `\n${
      bold("Done.")
    } Cleura logins: ${c.cleuraLogins}, SMS sent: ${c.smsSent}, requests: ${c.requests}`,
  );
} finally {
  await Deno.remove(cacheDir, { recursive: true });
}
