import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Our RetailCRM routes (`app/api/apps/retailcrm/…`: config, register, account, callbacks) behind a plain HTTP
 * server, as the CRM (its stand-in) reaches them. The routes read the database from DATABASE_URL: set it first.
 * `base` (no trailing slash) is what PUBLIC_URL must be, so the module registers these addresses.
 */
export async function startModuleServer() {
  const config = await import("../../../../app/api/apps/retailcrm/config/route");
  const register = await import("../../../../app/api/apps/retailcrm/register/route");
  const account = await import("../../../../app/api/apps/retailcrm/account/route");
  const accountById = await import("../../../../app/api/apps/retailcrm/account/[clientId]/route");
  const callback = await import("../../../../app/api/apps/retailcrm/callback/[action]/route");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://hub");
      const body = req.method === "POST" ? Buffer.concat(chunks) : undefined;
      const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string>, body });
      const path = url.pathname.replace(/^\/api\/apps\/retailcrm/, "");
      const cb = /^\/callback\/([^/]+)$/.exec(path);
      const byId = /^\/account\/([^/]+)$/.exec(path);
      const run = cb
        ? callback[req.method === "POST" ? "POST" : "GET"](request, { params: Promise.resolve({ action: cb[1]! }) })
        : byId
          ? accountById.GET(request, { params: Promise.resolve({ clientId: byId[1]! }) })
          : path === "/account"
            ? account[req.method === "POST" ? "POST" : "GET"](request)
            : path === "/config"
              ? config.GET()
              : path === "/register"
                ? register.POST(request)
                : Promise.resolve(new Response("not found", { status: 404 }));
      void run.then(async (out) => {
        const headers: Record<string, string> = {};
        out.headers.forEach((v, k) => (headers[k] = v));
        res.writeHead(out.status, headers).end(Buffer.from(await out.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
