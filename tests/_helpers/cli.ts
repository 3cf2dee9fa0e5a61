// Running the CLI as a user does: a child process with the token cache
// folder's permissions only, and every stream piped.

export const CLI: string = new URL("../../cli.ts", import.meta.url).pathname;

/** `deno run` arguments of the CLI with read and write on `cacheHome` only. */
export function cliArgs(cacheHome: string, args: string[]): string[] {
  const folder = [`--allow-read=${cacheHome}`, `--allow-write=${cacheHome}`];
  return [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-env",
    ...folder,
    CLI,
    ...args,
  ];
}

/** Spawns `command` with `args` and `env` alone, every stream piped. */
export function spawnPiped(
  command: string,
  args: string[],
  env: Record<string, string>,
): Deno.ChildProcess {
  return new Deno.Command(command, {
    args,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}
