/** Reads at most `max` + 1 bytes, so an oversized body is refused without being buffered (length > max). */
export async function readLimited(req: Request, max: number): Promise<Buffer> {
  if (Number(req.headers.get("content-length") ?? 0) > max) return Buffer.alloc(max + 1);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return Buffer.alloc(max + 1);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
