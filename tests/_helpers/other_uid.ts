/**
 * A uid, not this process's, that this process may give a file to (root may),
 * or `undefined`. The owner is read from a file made here, so no
 * `--allow-sys` is needed.
 */
export const OTHER_UID: number | undefined = Deno.build.os === "windows"
  ? undefined
  : await (async () => {
    const probe = await Deno.makeTempFile();
    try {
      const other = (await Deno.stat(probe)).uid === 65534 ? 65533 : 65534;
      await Deno.chown(probe, other, other);
      return other;
    } catch {
      return undefined;
    } finally {
      await Deno.remove(probe);
    }
  })();

/** Whether files can be given to {@linkcode OTHER_UID} here. */
export const CAN_CHOWN: boolean = OTHER_UID !== undefined;
