import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { integrations, transfers } from "@/db/schema";
import { createBranch, createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { fakeIntegrator } from "@/server/integrators/__tests__/fake";
import { pdfLines } from "@/server/integrators/__tests__/fake/pdf";
import { startFakePartner } from "@/server/integrators/__tests__/fake/partner-server";
import { registerIntegrator } from "@/server/integrators/registry";
import type { IntegratorAdapter } from "@/server/integrators/types";
import type { Actor, ServiceContext } from "@/server/services/context";
import { addOrdersToManifest, createManifest, getManifest } from "@/server/services/manifests";
import { getOrderSync } from "../order-sync";
import { PartnerPrintError, printPartnerForms } from "../print";

// The route reads the signed-in account through next-auth; here it is whoever the test says.
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/server/auth", () => ({
  getSession: async () => (session.actor ? { actor: session.actor } : null),
}));

registerIntegrator(fakeIntegrator as unknown as IntegratorAdapter);
// The same partner without the print capability: what an integrator that cannot print looks like to the engine.
registerIntegrator({
  ...(fakeIntegrator as unknown as IntegratorAdapter),
  id: "fake-noprint",
  title: "Партнёр без печати",
  print: undefined,
});

const SECRET = "fake-hook-secret";
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let GET: (req: Request) => Promise<Response>;
const partners: Awaited<ReturnType<typeof startFakePartner>>[] = [];

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 4 });
  // The route handler reads the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  ({ GET } = await import("@/app/api/print/route"));
});

afterEach(async () => {
  session.actor = null;
  while (partners.length) await partners.pop()!.close();
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

type State = "sent" | "pending" | "submitted" | "failed";

/** A tenant whose branch hands orders to a fake partner (printing or not), and its orders in one manifest. */
async function setUp(n: number, integrator = "fake") {
  const db = conn.db;
  const partner = await startFakePartner(SECRET);
  partners.push(partner);
  const t = await createTenant(db);
  const integration = await addIntegration(t.company.id, t.branch.id, integrator, partner.apiUrl);
  const created = await createOrders(db, t.company.id, t.client.id, n);
  const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
  if (n > 0)
    await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
  return { t, partner, integrationId: integration.id, orders: created, manifestId: m.id };
}

async function addIntegration(companyId: number, branchId: number, integrator: string, apiUrl: string) {
  const [row] = await conn.db
    .insert(integrations)
    .values({ companyId, branchId, integrator, settings: { apiUrl, hookSecret: SECRET } })
    .returning();
  return row!;
}

/**
 * Hand-overs as the exchange leaves them: `sent` orders are ones the partner has taken (it knows their code); the
 * others are still on their way and the partner has no form for them.
 */
async function handOver(
  companyId: number,
  integrationId: number,
  partner: Awaited<ReturnType<typeof startFakePartner>>,
  list: { id: number; number: string }[],
  state: State = "sent",
  extra: Partial<typeof transfers.$inferInsert> = {},
) {
  if (list.length === 0) return;
  await conn.db.insert(transfers).values(
    list.map((o) => ({
      companyId,
      orderId: o.id,
      integrationId,
      state,
      partnerNumber: o.number,
      partnerOrderCode: state === "sent" ? partner.accepted(o.number) : null,
      partnerRef: state === "sent" ? `ref-${o.number}` : null,
      ...extra,
    })),
  );
}

const call = (ctx: ServiceContext, input: unknown) => printPartnerForms({ ctx, input });
const get = (query: string) => GET(new Request(`http://hub/api/print?${query}`));

describe("partner print forms", () => {
  it("an order's waybill comes from its partner as a PDF naming the order; the route serves it inline", async () => {
    const { t, partner, integrationId, orders } = await setUp(2);
    await handOver(t.company.id, integrationId, partner, orders);
    const order = orders[0]!;

    const file = await call(t.staffCtx, { form: "waybill", orderId: order.id });
    expect(file).toMatchObject({ contentType: "application/pdf", part: 1, parts: 1, orders: 1, skipped: [] });
    expect(pdfLines(file.body)).toEqual(["waybill", order.number]);
    const code = [...partner.orders.values()].find((o) => o.number === order.number)!.code;
    expect(partner.printed).toEqual([{ form: "waybill", codes: [code] }]);
    expect(file.fileName).toEqual({
      ascii: `waybill-order-${order.number}.pdf`,
      title: `Накладная партнёра — заказ ${order.number}.pdf`,
    });

    // The order card offers the forms.
    expect(await getOrderSync({ ctx: t.staffCtx, input: { orderId: order.id } })).toMatchObject({
      printable: true,
      printParts: 1,
    });

    session.actor = t.staffCtx.actor;
    const res = await get(`form=label&orderId=${order.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("cache-control")).toBe("no-store");
    // The browser's PDF viewer needs inline styles and its plugin: no default-src here, framing still refused.
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toContain(`inline; filename="labels-order-${order.number}.pdf"`);
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!;
    expect(star).toMatch(/^[A-Za-z0-9%._~-]+$/);
    expect(decodeURIComponent(star)).toBe(`Этикетки мест — заказ ${order.number}.pdf`);
    expect(pdfLines(new Uint8Array(await res.arrayBuffer()))).toEqual(["label", order.number]);
  });

  it("a manifest of more than 100 accepted orders prints in parts of at most 100; the others are listed", async () => {
    const { t, partner, integrationId, orders, manifestId } = await setUp(164);
    const accepted = orders.slice(0, 150);
    await handOver(t.company.id, integrationId, partner, accepted);
    await handOver(t.company.id, integrationId, partner, orders.slice(150, 152), "pending");
    await handOver(t.company.id, integrationId, partner, orders.slice(152, 153), "failed");
    // orders[153]: never handed over; ten more still queued, so the card names only the first ten left out.
    await handOver(t.company.id, integrationId, partner, orders.slice(154), "pending");

    const first = await call(t.staffCtx, { form: "label", manifestId });
    expect(first).toMatchObject({ part: 1, parts: 2, orders: 100 });
    expect(pdfLines(first.body)).toEqual(["label", ...accepted.slice(0, 100).map((o) => o.number)]);
    const second = await call(t.staffCtx, { form: "label", manifestId, part: 2 });
    expect(second).toMatchObject({ part: 2, parts: 2, orders: 50 });
    expect(pdfLines(second.body)).toEqual(["label", ...accepted.slice(100).map((o) => o.number)]);
    expect(partner.printed.map((p) => p.codes.length)).toEqual([100, 50]);
    expect(second.skipped.slice(4).map((s) => s.number)).toEqual(orders.slice(154).map((o) => o.number));
    expect(second.skipped.slice(0, 4).map((s) => [s.number, s.reason, s.detail])).toEqual([
      [orders[150]!.number, "ещё не принят партнёром", "в очереди"],
      [orders[151]!.number, "ещё не принят партнёром", "в очереди"],
      [orders[152]!.number, "ещё не принят партнёром", "ошибка передачи"],
      [orders[153]!.number, "не передавался партнёру", undefined],
    ]);
    await expect(call(t.staffCtx, { form: "label", manifestId, part: 3 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Части 3 нет"),
    });

    // The manifest card offers «Часть 1 из 2», «Часть 2 из 2» and names the orders left out.
    const card = await getManifest({ ctx: t.staffCtx, input: { id: manifestId } });
    expect(card).toMatchObject({ printable: true, printParts: 2, printSkippedCount: 14 });
    expect(card.printSkipped).toEqual([
      { number: orders[150]!.number, reason: "ещё не принят партнёром (в очереди)" },
      { number: orders[151]!.number, reason: "ещё не принят партнёром (в очереди)" },
      { number: orders[152]!.number, reason: "ещё не принят партнёром (ошибка передачи)" },
      { number: orders[153]!.number, reason: "не передавался партнёру" },
      ...orders.slice(154, 160).map((o) => ({ number: o.number, reason: "ещё не принят партнёром (в очереди)" })),
    ]);

    session.actor = t.staffCtx.actor;
    const res = await get(`form=waybill&manifestId=${manifestId}&part=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-print-part")).toBe("2/2");
    expect(res.headers.get("x-print-skipped")).toBe("14");
    const star = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get("content-disposition")!)![1]!;
    expect(decodeURIComponent(star)).toMatch(/^Накладная партнёра — манифест .+ \(часть 2 из 2\)\.pdf$/);
    const missing = await get(`form=waybill&manifestId=${manifestId}&part=7`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Части 7 нет: формы манифеста");
  });

  it("a manifest whose orders went to two partners prints the one that can; the other's orders are listed", async () => {
    const { t, partner, integrationId, orders, manifestId } = await setUp(3);
    const other = await createBranch(conn.db, t.company.id);
    const noPrint = await addIntegration(t.company.id, other.id, "fake-noprint", partner.apiUrl);
    await handOver(t.company.id, integrationId, partner, orders.slice(0, 2));
    await handOver(t.company.id, noPrint.id, partner, orders.slice(2));

    const file = await call(t.staffCtx, { form: "waybill", manifestId });
    expect(file).toMatchObject({ parts: 1, orders: 2 });
    expect(pdfLines(file.body)).toEqual(["waybill", orders[0]!.number, orders[1]!.number]);
    expect(file.skipped).toEqual([
      {
        orderId: orders[2]!.id,
        number: orders[2]!.number,
        reason: "интегратор «Партнёр без печати» не печатает формы",
      },
    ]);
  });

  it("an order the partner has not accepted yet: a clear conflict, nothing asked of the partner", async () => {
    const { t, partner, integrationId, orders, manifestId } = await setUp(4);
    const [pending, submitted, cancelled, never] = orders as [(typeof orders)[number], ...typeof orders];
    await handOver(t.company.id, integrationId, partner, [pending], "pending");
    await handOver(t.company.id, integrationId, partner, [submitted!], "submitted");
    await handOver(t.company.id, integrationId, partner, [cancelled!], "sent", { cancelState: "done" });

    await expect(call(t.staffCtx, { form: "waybill", orderId: pending.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Заказ ${pending.number} ещё не принят партнёром: печатать нечего (в очереди)`,
    });
    await expect(call(t.staffCtx, { form: "label", orderId: submitted!.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Заказ ${submitted!.number} ещё не принят партнёром: печатать нечего (партнёр обрабатывает заказ)`,
    });
    await expect(call(t.staffCtx, { form: "label", orderId: cancelled!.id })).rejects.toMatchObject({
      message: `Заказ ${cancelled!.number} отменён у партнёра: печатать нечего`,
    });
    await expect(call(t.staffCtx, { form: "label", orderId: never!.id })).rejects.toMatchObject({
      message: `Заказ ${never!.number} не передавался партнёру: печатать нечего`,
    });
    await expect(call(t.staffCtx, { form: "label", manifestId })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/нет заказов, принятых партнёром: печатать нечего \(.+ — ещё не принят партнёром/),
    });
    expect(partner.printed).toEqual([]);
    expect(await getOrderSync({ ctx: t.staffCtx, input: { orderId: pending.id } })).toMatchObject({
      printable: false,
      printParts: 0,
    });
    expect(await getManifest({ ctx: t.staffCtx, input: { id: manifestId } })).toMatchObject({
      printable: false,
      printParts: 0,
      printSkipped: [],
    });

    session.actor = t.staffCtx.actor;
    const res = await get(`form=waybill&orderId=${pending.id}`);
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = await res.text();
    expect(page).toContain(`Заказ ${pending.number} ещё не принят партнёром: печатать нечего`);
    expect(page).toContain(`href="/orders/${pending.id}"`);
  });

  it("an integrator without print: its refusal in Russian, and the card offers no forms", async () => {
    const { t, partner, integrationId, orders } = await setUp(1, "fake-noprint");
    await handOver(t.company.id, integrationId, partner, orders);
    const refusal = "Печать форм с интегратором «Партнёр без печати» пока не поддерживается";
    await expect(call(t.staffCtx, { form: "waybill", orderId: orders[0]!.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: refusal,
    });
    expect(await getOrderSync({ ctx: t.staffCtx, input: { orderId: orders[0]!.id } })).toMatchObject({
      printable: false,
    });
    session.actor = t.staffCtx.actor;
    const res = await get(`form=waybill&orderId=${orders[0]!.id}`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(refusal);
  });

  it("another tenant's order or manifest is not found; a client account may not print", async () => {
    const mine = await setUp(1);
    await handOver(mine.t.company.id, mine.integrationId, mine.partner, mine.orders);
    const stranger = await createTenant(conn.db);

    for (const input of [
      { form: "waybill", orderId: mine.orders[0]!.id },
      { form: "label", manifestId: mine.manifestId },
    ]) {
      await expect(call(stranger.staffCtx, input)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(call(mine.t.clientCtx, { form: "waybill", orderId: mine.orders[0]!.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(mine.partner.printed).toEqual([]);

    session.actor = stranger.staffCtx.actor;
    const res = await get(`form=waybill&orderId=${mine.orders[0]!.id}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Заказ: не найдено");
    session.actor = mine.t.clientCtx.actor;
    expect((await get(`form=waybill&orderId=${mine.orders[0]!.id}`)).status).toBe(403);
  });

  it("a partner failure shows the partner's own text and answers 502", async () => {
    const { t, partner, integrationId, orders } = await setUp(2);
    // The partner lost the order: it refuses to print it, in its own words.
    await handOver(t.company.id, integrationId, partner, orders.slice(0, 1), "sent");
    await conn.db
      .update(transfers)
      .set({ partnerOrderCode: "lost-code" })
      .where(and(eq(transfers.integrationId, integrationId), eq(transfers.orderId, orders[0]!.id)));
    const err = await call(t.staffCtx, { form: "waybill", orderId: orders[0]!.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartnerPrintError);
    expect(err).toMatchObject({
      kind: "rejected",
      message: "Партнёр отказал в печати: Заказ lost-code не найден или ещё не оформлен",
    });

    session.actor = t.staffCtx.actor;
    const res = await get(`form=waybill&orderId=${orders[0]!.id}`);
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("Партнёр отказал в печати: Заказ lost-code не найден или ещё не оформлен");

    // The partner is down: the network reason, to try again later.
    await handOver(t.company.id, integrationId, partner, orders.slice(1), "sent");
    await partners.pop()!.close();
    await expect(call(t.staffCtx, { form: "label", orderId: orders[1]!.id })).rejects.toMatchObject({
      kind: "transient",
      message: expect.stringMatching(/^Партнёр не выдал форму: .*соединение отклонено.*\. Попробуйте ещё раз позже$/),
    });
  });

  it("bad requests get a Russian 400; a signed-out visitor is sent to sign in and back", async () => {
    const { t } = await setUp(0);
    await expect(call(t.staffCtx, { form: "waybill" })).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: "Укажите заказ или манифест — что-то одно" })],
    });
    session.actor = t.staffCtx.actor;
    for (const [query, text] of [
      ["form=invoice&orderId=1", "Форма: waybill, label, act или deliveryList"],
      ["form=waybill&orderId=abc", "Некорректный идентификатор"],
      ["form=waybill&orderId=1&manifestId=1", "Укажите заказ или манифест — что-то одно"],
      ["form=label&manifestId=1&part=0", "Номер части — целое число от 1"],
    ] as const) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(await res.text(), query).toContain(text);
    }

    session.actor = null;
    const res = await get("form=waybill&orderId=5");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      `/login?callbackUrl=${encodeURIComponent("/api/print?form=waybill&orderId=5")}`,
    );
  });

  it("next.config.mjs leaves /api/print's CSP to the route and keeps `default-src 'none'` on the rest of /api", async () => {
    const { default: config } = (await import(new URL("../../../../next.config.mjs", import.meta.url).href)) as {
      default: { headers(): Promise<{ source: string; headers: { key: string; value: string }[] }[]> };
    };
    const { getPathMatch } = await import("next/dist/shared/lib/router/utils/path-match");
    const rules = await config.headers();
    const cspOf = (path: string) =>
      rules
        .filter((r) => getPathMatch(r.source, { removeUnnamedParams: true, strict: true })(path) !== false)
        .flatMap((r) => r.headers)
        .find((h) => h.key === "Content-Security-Policy")?.value;
    expect(cspOf("/api/print")).toBeUndefined();
    for (const path of ["/api", "/api/trpc/orders.list", "/api/hooks/fake/key", "/api/printer"]) {
      expect(cspOf(path), path).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });
});
