/**
 * Reading a body with a size limit, as it streams: a server (or a client)
 * that sends more than the limit is cut off as soon as it passes it, never
 * buffered whole.
 *
 * @module
 */

/**
 * Joins byte chunks of a known total size into one array.
 *
 * @param chunks The chunks, in order.
 * @param size Their total length.
 * @returns One array.
 */
export function concatBytes(
  chunks: readonly Uint8Array[],
  size: number,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Reads a stream to its end, up to `limit` bytes.
 *
 * @param body The stream (a request's or a response's body), if any.
 * @param limit The most bytes accepted.
 * @returns The bytes, or `undefined` as soon as there are more than `limit`
 * (the stream is then cancelled).
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}
