import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The real webhook route handler (`app/api/hooks/[integrator]/[key]`) behind a plain HTTP server, for tests and
 * benchmarks where a partner (or its stand-in) calls us back. The route reads the app's database from DATABASE_URL,
 * so set that first. `base` is the server's address, e.g. `http://127.0.0.1:1234/`.
 */
export async function startHookServer() {
  const { POST } = await import("../../app/api/hooks/[integrator]/[key]/route");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const [, integrator = "", key = ""] = /^\/api\/hooks\/([^/]+)\/([^/]+)$/.exec(req.url ?? "") ?? [];
      const request = new Request(`http://hub${req.url}`, {
        method: "POST",
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      void POST(request, { params: Promise.resolve({ integrator, key }) }).then(async (out) => {
        res.writeHead(out.status).end(await out.text());
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    base,
    /** `<base>api/hooks`: where `/<integrator>/<key>` deliveries go. */
    hooksUrl: `${base}api/hooks`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
