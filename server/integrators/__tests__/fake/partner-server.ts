import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tinyPdf } from "./pdf";

export type FakeState = "processing" | "ok" | "invalid";
interface FakeOrder {
  code: string;
  number: string;
  state: FakeState;
  message?: string;
}

/**
 * The stand-in partner on loopback: takes orders asynchronously (202 + its code, verdict later), creates a second
 * order for a number it already has (as an asynchronous API does), answers look-ups by our number and by its code,
 * pushes signed webhooks when told to finish an order, and prints forms of the orders it took (a tiny PDF).
 */
export async function startFakePartner(secret: string) {
  const orders = new Map<string, FakeOrder>();
  const created: string[] = [];
  /** Every print request, as the partner got it. */
  const printed: { form: string; codes: string[] }[] = [];
  let hookUrl: string | null = null;
  let deliveries = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      const url = new URL(req.url ?? "/", "http://fake");
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (req.method === "POST" && url.pathname === "/orders") {
        const { number } = JSON.parse(body) as { number: string };
        const o: FakeOrder = { code: randomUUID(), number, state: "processing" };
        orders.set(o.code, o);
        created.push(number);
        return json(202, { code: o.code, state: "ACCEPTED" });
      }
      if (req.method === "POST" && url.pathname === "/forms") {
        const { form, codes } = JSON.parse(body) as { form: string; codes: string[] };
        printed.push({ form, codes });
        // As a real partner does: only orders it has taken get a form.
        const unknown = codes.find((c) => orders.get(c)?.state !== "ok");
        if (unknown !== undefined) return json(422, { error: `Заказ ${unknown} не найден или ещё не оформлен` });
        const lines = codes.map((c) => orders.get(c)!.number);
        return res.writeHead(200, { "content-type": "application/pdf" }).end(tinyPdf(form, lines));
      }
      const byNumber = url.pathname === "/orders" ? url.searchParams.get("number") : null;
      if (req.method === "GET" && byNumber !== null) {
        const o = [...orders.values()].find((x) => x.number === byNumber);
        return o ? json(200, o) : json(404, { error: "not found" });
      }
      const byCode = /^\/orders\/([\w-]+)$/.exec(url.pathname)?.[1];
      if (req.method === "GET" && byCode) {
        const o = orders.get(byCode);
        return o ? json(200, o) : json(404, { error: "not found" });
      }
      json(404, { error: "no such endpoint" });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Posts one signed delivery to the hub's webhook address; returns the HTTP status it got. */
  async function push(payload: unknown, id = `d-${++deliveries}`): Promise<number> {
    if (!hookUrl) throw new Error("no webhook address set");
    const body = JSON.stringify({ id, ...(payload as object) });
    const signature = createHmac("sha256", secret).update(body).digest("hex");
    const res = await fetch(hookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-fake-signature": signature },
      body,
    });
    return res.status;
  }

  return {
    apiUrl,
    /** Every order the partner created, by our number: one per number is the idempotency promise. */
    created,
    orders,
    printed,
    /** An order the partner has taken (its code), without the hand-over and webhook round trip. */
    accepted(number: string): string {
      const o: FakeOrder = { code: randomUUID(), number, state: "ok" };
      orders.set(o.code, o);
      return o.code;
    },
    setHookUrl(url: string) {
      hookUrl = url;
    },
    push,
    /** The partner finishes its processing; `notify: false` is a webhook that never arrives. */
    async finish(number: string, state: Exclude<FakeState, "processing">, notify = true, message?: string) {
      const o = [...orders.values()].find((x) => x.number === number);
      if (!o) throw new Error(`no order ${number} at the fake partner`);
      Object.assign(o, { state, message });
      if (notify) return push({ orders: [{ number, code: o.code, state, message }] });
      return null;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
