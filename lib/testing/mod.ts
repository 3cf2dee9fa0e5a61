/**
 * Testing helpers: a local emulator of the Cleura REST API and the itopia CAS
 * API, and the seed documents' JSON examples as golden fixtures. Use it in
 * your own tests: it needs no account and no network.
 *
 * @example
 * ```ts
 * import { startEmulator } from "@cloudgate/toolkit/testing";
 * import { ItopiaAuth, listCloudInstances } from "@cloudgate/toolkit";
 *
 * await using emulator = await startEmulator();
 * const auth = new ItopiaAuth({
 *   apiUrl: emulator.itopiaUrl,
 *   apiKey: "emulator-key-org-42-all-deployments",
 *   organizationId: 42,
 * });
 * const instances = await listCloudInstances(auth, { deploymentId: 101 });
 * console.log(instances.length); // 5
 * ```
 *
 * @module
 */

export * from "./emulator.ts";
export * from "./fixtures.ts";

// Run as a program (`deno run --allow-net=127.0.0.1 jsr:@cloudgate/toolkit/testing`),
// it is the CLI's `emulator` command, which prints and stops on Ctrl-C.
if (import.meta.main) {
  const { main } = await import("../../cli/main.ts");
  Deno.exit(await main(["emulator", ...Deno.args]));
}
