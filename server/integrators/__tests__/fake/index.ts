import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { PartnerError } from "../../errors";
import { httpRequest, UnreachableError } from "../../http";
import type { IntegratorAdapter, SendOutcome, WebhookEvent } from "../../types";

/**
 * A partner that exists only in tests: it accepts orders asynchronously (a verdict follows by webhook or look-up),
 * does not refuse a number it already has, pushes signed webhooks and prints forms of the orders it took. Everything partner-specific is here; the
 * engine sees only its capabilities.
 */
const schema = z.object({
  apiUrl: z.string().url(),
  hookSecret: z.string().min(8).meta({ label: "Секрет уведомлений", secret: true }),
});
type Settings = z.output<typeof schema>;

const STATUS: Record<string, "DELIVERY" | "COMPLETE"> = { on_the_way: "DELIVERY", delivered: "COMPLETE" };

async function call(settings: Settings, path: string, body?: unknown) {
  let res;
  try {
    res = await httpRequest(`${settings.apiUrl}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: 5_000,
    });
  } catch (e) {
    if (e instanceof UnreachableError) throw new PartnerError("transient", e.message);
    throw e;
  }
  if (res.status >= 500) throw new PartnerError("transient", `Партнёр ответил HTTP ${res.status}`);
  const json = res.contentType.startsWith("application/json");
  return {
    status: res.status,
    contentType: res.contentType,
    bytes: res.bytes,
    value: res.status === 404 || !json ? null : (JSON.parse(res.text) as Record<string, string>),
  };
}

const verdict = (o: { number: string; code: string; state: string; message?: string }): SendOutcome =>
  o.state === "ok"
    ? { number: o.number, outcome: "accepted", partnerCode: o.code }
    : o.state === "invalid"
      ? { number: o.number, outcome: "rejected", message: o.message ?? "заказ не прошёл проверку" }
      : { number: o.number, outcome: "submitted", partnerCode: o.code };

export const fakeIntegrator: IntegratorAdapter<typeof schema> = {
  id: "fake",
  title: "Тестовый партнёр",
  description: "Только для тестов движка обмена.",
  schema,
  probe: async () => ({ status: "ok", message: "ok" }),
  mapStatus: (code) => STATUS[code] ?? null,
  outbound: {
    refusesDuplicates: false,
    async send(settings, orders) {
      const value: SendOutcome[] = [];
      for (const o of orders) {
        const r = await call(settings, "/orders", { number: o.number, weight: o.weight });
        value.push({ number: o.number, outcome: "submitted", partnerCode: r.value!.code });
      }
      return { value, request: "POST /orders", response: "" };
    },
    async find(settings, number) {
      const r = await call(settings, `/orders?number=${encodeURIComponent(number)}`);
      const o = r.value;
      return {
        value: o ? { partnerCode: o.code, submitted: o.state === "processing" } : null,
        request: "",
        response: "",
      };
    },
    async resolve(settings, orders) {
      const value: SendOutcome[] = [];
      for (const o of orders) {
        const r = await call(settings, `/orders/${o.partnerCode}`);
        value.push(
          r.value
            ? verdict(r.value as never)
            : { number: o.number, outcome: "rejected", message: "партнёр не знает заказ" },
        );
      }
      return { value, request: "GET /orders/{code}", response: "" };
    },
    describe: (settings, o) => `POST ${settings.apiUrl}/orders: заказ ${o.number}`,
  },
  statusSource: { kind: "webhook" },
  print: {
    async print(settings, orders, form) {
      const r = await call(settings, "/forms", { form, codes: orders.map((o) => o.partnerCode) });
      if (r.status !== 200) throw new PartnerError("rejected", r.value?.error ?? `Партнёр ответил HTTP ${r.status}`);
      return { contentType: r.contentType, body: r.bytes };
    },
  },
  webhook: {
    verify(settings, delivery) {
      const given = Buffer.from(delivery.headers.get("x-fake-signature") ?? "", "hex");
      const expected = createHmac("sha256", settings.hookSecret).update(delivery.body).digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    parse(body) {
      let data: {
        id?: string;
        orders?: { number: string; code: string; state: string }[];
        statuses?: { number: string; status: string; at: string }[];
      };
      try {
        data = JSON.parse(body) as typeof data;
      } catch {
        return null;
      }
      if (typeof data.id !== "string") return null;
      const events: WebhookEvent[] = [
        ...(data.orders ?? []).map((o) => ({ kind: "resolved" as const, outcome: verdict(o) })),
        ...(data.statuses ?? []).map((s) => ({
          kind: "status" as const,
          event: { number: s.number, code: s.status, eventTime: new Date(s.at) },
        })),
      ];
      return { id: data.id, events };
    },
  },
};
