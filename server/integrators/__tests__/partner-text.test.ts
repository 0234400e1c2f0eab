import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { syncLog, transfers } from "@/db/schema";
import { createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { getOrderSync } from "@/server/services/exchange/order-sync";
import { saveIntegration } from "@/server/services/integrations";
import { measoftCancel, measoftOutbound } from "../measoft/client";
import type { OutgoingOrder } from "../types";

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

// A partner's per-order texts (errormsg) and pages stored by the worker reach the order card short and without markup.
const NGINX_502 =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
const SENTENCE =
  "Партнёр прислал страницу ошибки вместо ответа API: HTTP 502 — шлюз партнёра не получил ответа от его сервера";

async function measoftAnswering(xml: string) {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/xml" }).end(xml));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { settings: { login: "a", password: "b", extra: "202", apiUrl: url } as never, close };
}

const opts = { timeoutMs: 2_000, selfApiUrl: "", integrationId: 1 };
const order = { number: "N-1", partnerCode: null } as never;
const nobody = { company: null, person: "Тест", phone: "+79000000000", town: "Тверь", address: "ул. 1", zip: null };
const outgoing: OutgoingOrder = {
  number: "N-1",
  barcode: null,
  clientCurrency: "RUB",
  sender: { ...nobody, date: null, timeMin: null, timeMax: null },
  receiver: { ...nobody, regionCode: null, pvz: null, date: null, timeMin: null, timeMax: null },
  weight: 1,
  quantity: 1,
  payType: "CASH",
  serviceCode: null,
  codAmount: 0,
  declaredValue: 0,
  deliveryPrice: 0,
  enclosure: null,
  instruction: null,
  items: [],
  packages: [],
};

describe("MeaSoft per-order refusals", () => {
  it("lose the partner's markup on the way into the exchange log", async () => {
    const msg = "&lt;b&gt;Город&lt;/b&gt; не найден&lt;br&gt;&lt;script&gt;x()&lt;/script&gt;";
    const p = await measoftAnswering(`<neworder><createorder orderno="N-1" error="5" errormsgru="${msg}"/></neworder>`);
    try {
      const sent = await measoftOutbound.send(p.settings, [outgoing], opts);
      expect(sent.value[0]).toMatchObject({
        outcome: "rejected",
        message: "Партнёр отклонил заказ: Город не найден (код 5)",
      });
    } finally {
      await p.close();
    }
    const c = await measoftAnswering(
      `<cancelorder><order orderno="N-1" error="52" errormsgru="${msg}"/></cancelorder>`,
    );
    try {
      const r = await measoftCancel.cancel(c.settings, [order], opts);
      expect(r.value[0]).toEqual({
        number: "N-1",
        ok: false,
        message: "Партнёр не отменил заказ: Город не найден (код 52)",
      });
    } finally {
      await c.close();
    }
  });
});

describe("the order card's exchange", () => {
  it("shows a stored partner page as one sentence with its HTTP status", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const values = { login: "a", password: "b", extra: "202", apiUrl: "http://127.0.0.1:9/api/" };
      const { id: integrationId } = await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values },
      });
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      const companyId = t.company.id;
      await tx.insert(transfers).values({
        companyId,
        orderId: o!.id,
        integrationId,
        partnerNumber: o!.number,
        state: "failed",
        lastError: NGINX_502,
        cancelMessage: `Сбой: ${NGINX_502}`,
      });
      const base = {
        companyId,
        integrationId,
        orderId: o!.id,
        kind: "transfer" as const,
        ok: false,
        request: "neworder",
      };
      await tx.insert(syncLog).values([
        { ...base, result: NGINX_502 },
        { ...base, result: "Партнёр отклонил заказ: <b>Город</b> не найден (код 5)" },
      ]);
      const got = await getOrderSync({ ctx: t.staffCtx, input: { orderId: o!.id } });
      expect(got.transfers[0]).toMatchObject({ lastError: SENTENCE, cancelMessage: SENTENCE });
      expect(got.log.map((l) => l.result)).toEqual(["Партнёр отклонил заказ: Город не найден (код 5)", SENTENCE]);
    }));
});
