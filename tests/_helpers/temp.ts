// A temporary folder that removes itself: `await using dir = await tempDir()`.

/** A fresh temporary folder, removed with all it holds when disposed. */
export async function tempDir(): Promise<
  AsyncDisposable & { path: string }
> {
  const path = await Deno.makeTempDir();
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}
