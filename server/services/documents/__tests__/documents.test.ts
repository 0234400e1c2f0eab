import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { integrations, orderPackages, orders as ordersTable, transfers } from "@/db/schema";
import { createClient, createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { bytesOf, readPdf } from "@/server/documents/__tests__/read-pdf";
import { newDocument, pdfStream } from "@/server/documents/pdf";
import type { Actor, ServiceContext } from "@/server/services/context";
import { addOrdersToManifest, createManifest } from "@/server/services/manifests";
import { labelBarcode } from "../barcode";
import { openDocument } from "../open";
import { MAX_LABELS, MAX_ORDER_IDS } from "../schemas";

// The route reads the signed-in account through next-auth; here it is whoever the test says.
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/server/auth", () => ({
  getSession: async () => (session.actor ? { actor: session.actor } : null),
}));

let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let GET: (req: Request) => Promise<Response>;
let POST: (req: Request) => Promise<Response>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 4 });
  // The route handler reads the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  ({ GET, POST } = await import("@/app/api/documents/route"));
});

afterEach(() => {
  session.actor = null;
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

const get = (query: string) => GET(new Request(`http://hub/api/documents?${query}`));
const pdfOf = async (res: Response) => readPdf(await bytesOf(res));

/** Points of a millimetre size, to a tenth of a point. */
const pt = (mm: number) => Math.round(((mm * 72) / 25.4) * 10) / 10;
const size = (p: { width: number; height: number }) => [Math.round(p.width * 10) / 10, Math.round(p.height * 10) / 10];

async function tenant(n = 1, overrides: Record<string, unknown> = {}) {
  const t = await createTenant(conn.db);
  const created = await createOrders(conn.db, t.company.id, t.client.id, n, overrides);
  return { t, orders: created };
}

async function setBarcode(orderId: number, barcode: string | null) {
  await conn.db.update(ordersTable).set({ barcode }).where(eq(ordersTable.id, orderId));
}

describe("labels", () => {
  it("an order of 3 places: three 100 × 100 mm labels «1 из 3» … «3 из 3», each with the order's barcode", async () => {
    const { t, orders } = await tenant(1, {
      quantity: 3,
      receiver: { person: "Петрова Анна", phone: "+7 913 111-22-33", town: "Новосибирск", address: "Красный пр., 1" },
    });
    const order = orders[0]!;
    await setBarcode(order.id, "KH-000777");
    session.actor = t.staffCtx.actor;

    const res = await get(`kind=labels&format=100x100&orderId=${order.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("cache-control")).toBe("no-store");
    // The browser's PDF viewer needs inline styles and its plugin: no default-src here, framing still refused.
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
    const disposition = res.headers.get("content-disposition")!;
    expect(disposition).toContain(`inline; filename="labels-order-${order.number}-100x100.pdf"`);
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!;
    expect(star).toMatch(/^[A-Za-z0-9%._~-]+$/);
    expect(decodeURIComponent(star)).toBe(`Этикетки — заказ ${order.number} (100 × 100 мм).pdf`);
    expect(res.headers.get("x-document-labels")).toBe("3");

    const pages = await pdfOf(res);
    expect(pages).toHaveLength(3);
    pages.forEach((p, i) => {
      expect(size(p)).toEqual([pt(100), pt(100)]);
      expect(p.text).toContain(`Место ${i + 1} из 3`);
      expect(p.text).toContain(`№ ${order.number}`);
      expect(p.text).toContain("Петрова Анна");
      expect(p.text).toContain("Новосибирск, Красный пр., 1");
      expect(p.text).toContain("Тел.: +79131112233");
      expect(p.text).toContain("Наложенный платёж: 1 000,00 ₽");
      expect(p.text).toContain(t.client.name);
      expect(p.text).toContain(t.company.name);
      expect(p.barcodes).toEqual(["KH-000777"]);
    });
  });

  it("58 × 40 mm is 164.4 × 113.4 pt a label; A4 holds 8 labels a sheet", async () => {
    const { t, orders } = await tenant(1, { quantity: 10 });
    const order = orders[0]!;
    session.actor = t.staffCtx.actor;

    const small = await pdfOf(await get(`kind=labels&format=58x40&orderId=${order.id}`));
    expect(small).toHaveLength(10);
    expect(size(small[0]!)).toEqual([164.4, 113.4]);
    expect(small[9]!.text).toContain("Место 10 из 10");

    const sheets = await pdfOf(await get(`kind=labels&format=a4&orderId=${order.id}`));
    expect(sheets.map(size)).toEqual([
      [595.3, 841.9],
      [595.3, 841.9],
    ]);
    expect(sheets[0]!.text.match(/Место \d+ из 10/g)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `Место ${i} из 10`));
    expect(sheets[1]!.text.match(/Место \d+ из 10/g)).toEqual(["Место 9 из 10", "Место 10 из 10"]);
    // No barcode of its own: the order number is what the scanner reads (the number search finds it too).
    expect(sheets[0]!.barcodes).toEqual(Array(8).fill(order.number));
  });

  it("places are the order's quantity or its package rows (each counting its own quantity), whichever is more", async () => {
    const { t, orders } = await tenant(2, { quantity: 2 });
    const [a, b] = orders as [(typeof orders)[0], (typeof orders)[0]];
    await conn.db.insert(orderPackages).values([
      { orderId: a.id, companyId: t.company.id, quantity: 2 },
      { orderId: a.id, companyId: t.company.id, quantity: 3 },
      { orderId: b.id, companyId: t.company.id, quantity: 1 },
    ]);
    session.actor = t.staffCtx.actor;
    const res = await get(`kind=labels&format=58x40&orderIds=${a.id},${b.id}`);
    expect(res.headers.get("x-document-labels")).toBe("7");
    const texts = (await pdfOf(res)).map((p) => /Место (\d+ из \d+)/.exec(p.text)![1]);
    expect(texts).toEqual(["1 из 5", "2 из 5", "3 из 5", "4 из 5", "5 из 5", "1 из 2", "2 из 2"]);
  });

  it("an order TopDelivery holds carries TopDelivery's barcode from the hand-over's details", async () => {
    const { t, orders } = await tenant(2);
    const [held, other] = orders as [(typeof orders)[0], (typeof orders)[0]];
    await setBarcode(held.id, "OUR-1");
    await setBarcode(other.id, "OUR-2");
    const [integration] = await conn.db
      .insert(integrations)
      .values({ companyId: t.company.id, branchId: t.branch.id, integrator: "topdelivery" })
      .returning();
    await conn.db.insert(transfers).values([
      {
        companyId: t.company.id,
        orderId: held.id,
        integrationId: integration!.id,
        state: "sent",
        partnerNumber: held.number,
        partnerDetails: { barcode: "TD0012345678" },
      },
      // Still on its way: TopDelivery has given it no barcode to print.
      {
        companyId: t.company.id,
        orderId: other.id,
        integrationId: integration!.id,
        state: "pending",
        partnerNumber: other.number,
        partnerDetails: { barcode: "TD-NOT-YET" },
      },
    ]);
    session.actor = t.staffCtx.actor;
    const pages = await pdfOf(await get(`kind=labels&format=58x40&orderIds=${held.id},${other.id}`));
    expect(pages.map((p) => p.barcodes)).toEqual([["TD0012345678"], ["OUR-2"]]);
  });

  it("the barcode choice: TopDelivery's, the order's, the number — the first a scanner can read back", () => {
    expect(labelBarcode({ topDeliveryBarcode: "TD1", barcode: "B1", number: "N1" })).toBe("TD1");
    expect(labelBarcode({ topDeliveryBarcode: null, barcode: " B1 ", number: "N1" })).toBe("B1");
    expect(labelBarcode({ topDeliveryBarcode: null, barcode: "", number: "N1" })).toBe("N1");
    // Code 128 has no Cyrillic: such a value is skipped rather than printed as bytes no scanner maps back.
    expect(labelBarcode({ topDeliveryBarcode: null, barcode: "ШК-1", number: "N1" })).toBe("N1");
    expect(labelBarcode({ topDeliveryBarcode: null, barcode: null, number: "Заказ-1" })).toBeNull();
  });

  it("an order with nothing printable as Code 128 gets labels that say so instead of a barcode", async () => {
    const { t, orders } = await tenant(1, { number: "Ш-1" });
    session.actor = t.staffCtx.actor;
    const [page] = await pdfOf(await get(`kind=labels&format=100x100&orderId=${orders[0]!.id}`));
    expect(page!.barcodes).toEqual([]);
    expect(page!.text).toContain("Штрихкод не печатается");
    expect(page!.text).toContain("№ Ш-1");
  });

  it("a manifest's labels: every order's places in one PDF, in the orders' order", async () => {
    const { t, orders } = await tenant(3, { quantity: 2 });
    const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
    await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: orders.map((o) => o.id) } });
    session.actor = t.staffCtx.actor;
    const res = await get(`kind=labels&manifestId=${m.id}`);
    expect(res.status).toBe(200);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get("content-disposition")!)![1]!)).toBe(
      `Этикетки — манифест ${m.number} (100 × 100 мм).pdf`,
    );
    const pages = await pdfOf(res);
    expect(pages.map((p) => p.barcodes[0])).toEqual(orders.flatMap((o) => [o.number, o.number]));
    expect(pages.map((p) => /Место (\d+ из \d+)/.exec(p.text)![1])).toEqual(Array(3).fill(["1 из 2", "2 из 2"]).flat());
  });

  it("more than one chunk of orders (300 > 250) streams in order with nothing lost", async () => {
    const { t, orders } = await tenant(300);
    session.actor = t.staffCtx.actor;
    const res = await get(`kind=labels&format=a4&orderIds=${orders.map((o) => o.id).join(",")}`);
    const pages = await pdfOf(res);
    expect(pages).toHaveLength(Math.ceil(300 / 8));
    expect(pages.flatMap((p) => p.barcodes)).toEqual(orders.map((o) => o.number));
  });
});

describe("waybill and act", () => {
  it("an order's waybill: A4, sender, receiver, items, places, weight, COD, declared value, signatures, barcode", async () => {
    const { t, orders } = await tenant(1, {
      quantity: 2,
      weight: 2.5,
      declaredValue: 1500,
      sender: { company: "ООО Ромашка", person: "Петров Пётр", phone: "+7 495 000-00-00", town: "Москва" },
      items: [
        { name: "Книга «Мастер и Маргарита»", article: "BK-1", quantity: 2, retailPrice: 500 },
        { name: "Закладка", quantity: 1, retailPrice: 50 },
      ],
    });
    const order = orders[0]!;
    session.actor = t.staffCtx.actor;
    const res = await get(`kind=waybill&orderId=${order.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(`filename="waybill-order-${order.number}.pdf"`);
    const [page, ...rest] = await pdfOf(res);
    expect(rest).toEqual([]);
    expect(size(page!)).toEqual([595.3, 841.9]);
    for (const text of [
      `Накладная № ${order.number}`,
      `Перевозчик: ${t.company.name}`,
      "ООО Ромашка",
      "Петров Пётр",
      "Иванов Иван",
      "ул. Ленина, 1",
      "Книга «Мастер и Маргарита»",
      "BK-1",
      "Закладка",
      "Итого 1 050,00 ₽",
      "Мест 2",
      "Вес, кг 2,5",
      "Наложенный платёж 1 000,00 ₽",
      "Объявленная ценность 1 500,00 ₽",
      "Отправитель",
      "Курьер",
      "Получатель",
    ]) {
      expect(page!.text).toContain(text);
    }
    expect(page!.barcodes).toEqual([order.number]);
  });

  it("a manifest's act: A4, its number and branch, every order with places, weight and COD, totals, «Сдал / Принял»", async () => {
    const { t, orders } = await tenant(70, { quantity: 2, weight: 1.25, codAmount: 100, declaredValue: 150 });
    const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
    await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: orders.map((o) => o.id) } });
    session.actor = t.staffCtx.actor;
    const res = await get(`kind=act&manifestId=${m.id}`);
    expect(res.status).toBe(200);
    const pages = await pdfOf(res);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(size(p)).toEqual([595.3, 841.9]);
    const all = pages.map((p) => p.text).join(" ");
    expect(pages[0]!.text).toContain(`по манифесту № ${m.number}`);
    expect(pages[0]!.text).toContain(`${t.branch.name} (${t.branch.town})`);
    expect(pages[1]!.text).toContain(`Акт приёма-передачи по манифесту № ${m.number} — продолжение`);
    for (const o of orders) expect(all).toContain(` ${o.number} `);
    expect(all).toContain("Итого 140 87,5 7 000,00 ₽ 10 500,00 ₽");
    expect(all).toContain("Объявленная ценность 10 500,00 ₽");
    expect(all).toContain("Заказов 70");
    expect(all).toContain("Наложенный платёж 7 000,00 ₽");
    expect(all).toContain("Сдал");
    expect(all).toContain("Принял");
  });
});

describe("who may print what", () => {
  it("a client account prints its own orders, not another client's (404), and no manifest (403)", async () => {
    const { t, orders } = await tenant(1);
    const other = await createClient(conn.db, t.company.id);
    const [foreign] = await createOrders(conn.db, t.company.id, other.id, 1);
    const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
    await addOrdersToManifest({ ctx: t.staffCtx, input: { manifestId: m.id, orderIds: [orders[0]!.id] } });

    session.actor = t.clientCtx.actor;
    expect((await get(`kind=labels&orderId=${orders[0]!.id}`)).status).toBe(200);
    expect((await get(`kind=waybill&orderId=${orders[0]!.id}`)).status).toBe(200);
    const foreignOne = await get(`kind=labels&orderId=${foreign!.id}`);
    expect(foreignOne.status).toBe(404);
    expect(await foreignOne.text()).toContain("Заказ: не найдено");
    const mixed = await get(`kind=labels&orderIds=${orders[0]!.id},${foreign!.id}`);
    expect(mixed.status).toBe(404);
    expect(await mixed.text()).toContain(`Заказы не найдены: ${foreign!.id}`);
    expect((await get(`kind=labels&manifestId=${m.id}`)).status).toBe(403);
    expect((await get(`kind=act&manifestId=${m.id}`)).status).toBe(403);
  });

  it("another company's order or manifest is not found (404), for every kind of document", async () => {
    const a = await tenant(1);
    const b = await tenant(1);
    const m = await createManifest({ ctx: b.t.staffCtx, input: { responsibleBranchId: b.t.branch.id } });
    await addOrdersToManifest({ ctx: b.t.staffCtx, input: { manifestId: m.id, orderIds: [b.orders[0]!.id] } });
    session.actor = a.t.staffCtx.actor;
    const theirs = b.orders[0]!.id;
    for (const q of [
      `kind=labels&orderId=${theirs}`,
      `kind=waybill&orderId=${theirs}`,
      `kind=labels&orderIds=${a.orders[0]!.id},${theirs}`,
      `kind=labels&manifestId=${m.id}`,
      `kind=act&manifestId=${m.id}`,
    ]) {
      const res = await get(q);
      expect(res.status, q).toBe(404);
      expect(res.headers.get("content-type"), q).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy"), q).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it("bad requests get a Russian reason: kind, format, target, too many orders, too many labels, empty manifest", async () => {
    const { t, orders } = await tenant(21, { quantity: 1000 });
    const id = orders[0]!.id;
    session.actor = t.staffCtx.actor;
    const reason = async (q: string, status = 400) => {
      const res = await get(q);
      expect(res.status, q).toBe(status);
      return (await res.text()).match(/<p>(.*?)<\/p>/)![1];
    };
    expect(await reason(`kind=label&orderId=${id}`)).toContain("Документ: labels (этикетки)");
    expect(await reason(`kind=labels&format=A5&orderId=${id}`)).toContain("Формат этикеток: 58x40, 100x100 или a4");
    expect(await reason(`kind=waybill&format=58x40&orderId=${id}`)).toBe("Накладная и акт печатаются только на A4");
    expect(await reason(`kind=act&orderId=${id}`)).toBe("Акт приёма-передачи печатается по манифесту");
    expect(await reason(`kind=labels`)).toBe("Укажите один заказ, манифест или список заказов");
    expect(await reason(`kind=labels&orderId=abc`)).toBe("Некорректный номер заказа");
    expect(await reason(`kind=labels&orderIds=1,x`)).toBe("Некорректный номер заказа");
    const many = Array.from({ length: MAX_ORDER_IDS + 1 }, (_, i) => i + 1).join(",");
    const tooMany = await POST(
      new Request("http://hub/api/documents", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ kind: "labels", orderIds: many }).toString(),
      }),
    );
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain(
      "В одном файле не больше 5 000 заказов, выбрано 5 001: разбейте печать на части",
    );
    // 21 orders of 1,000 places each: over the file's label limit, refused before a byte is rendered.
    expect(MAX_LABELS).toBe(20_000);
    expect(await reason(`kind=labels&orderIds=${orders.map((o) => o.id).join(",")}`)).toBe(
      "В одном файле не больше 20 000 этикеток, а здесь их 21 000 (по одной на место): разбейте печать на части",
    );
    const m = await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
    expect(await reason(`kind=act&manifestId=${m.id}`, 409)).toBe(
      `В манифесте ${m.number} нет заказов: печатать нечего`,
    );
  });

  it("the order list's selection posts its ids as a form; signed out, the tab goes to sign-in", async () => {
    const { t, orders } = await tenant(2);
    session.actor = t.staffCtx.actor;
    const res = await POST(
      new Request("http://hub/api/documents", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ kind: "labels", format: "58x40", orderIds: orders.map((o) => o.id).join(",") }),
      }),
    );
    expect(res.status).toBe(200);
    expect((await pdfOf(res)).map((p) => p.barcodes[0])).toEqual(orders.map((o) => o.number));

    session.actor = null;
    const out = await get(`kind=labels&orderId=${orders[0]!.id}`);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe(
      `/login?callbackUrl=${encodeURIComponent(`/api/documents?kind=labels&orderId=${orders[0]!.id}`)}`,
    );
  });

  it("next.config.mjs leaves /api/documents' CSP to the route and keeps `default-src 'none'` on the rest of /api", async () => {
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
    expect(cspOf("/api/documents")).toBeUndefined();
    expect(cspOf("/api/print")).toBeUndefined();
    for (const path of ["/api", "/api/trpc/orders.list", "/api/documentsx", "/api/documents-old", "/api/printer"]) {
      expect(cspOf(path), path).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });
});

describe("streaming", () => {
  it("renders only as far as the reader has read, and stops when the reader goes away", async () => {
    const doc = newDocument("test");
    let steps = 0;
    let closed = false;
    async function* pages() {
      try {
        for (let i = 0; i < 1000; i++) {
          for (let p = 0; p < 10; p++) doc.addPage({ size: [100, 100], margin: 0 }).text(`page ${i}-${p}`, 10, 10);
          steps++;
          yield;
        }
      } finally {
        closed = true;
      }
    }
    const reader = pdfStream(doc, pages()).getReader();
    const first = await reader.read();
    expect(first.value!.byteLength).toBeGreaterThan(0);
    // The stream's buffer (512 KB) fills with far fewer than 10,000 pages; nothing past it is rendered.
    await new Promise((r) => setTimeout(r, 50));
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(1000);
    const seen = steps;
    await reader.cancel();
    expect(closed).toBe(true);
    expect(steps).toBe(seen);
  });

  it("the service's file is the same through the service as through the route", async () => {
    const { t, orders } = await tenant(1, { quantity: 2 });
    const ctx: ServiceContext = { db: conn.db, actor: t.staffCtx.actor };
    const doc = await openDocument({ ctx, input: { kind: "labels", format: "58x40", orderId: orders[0]!.id } });
    expect(doc).toMatchObject({ orders: 1, labels: 2 });
    expect((await readPdf(await bytesOf(doc.stream))).map((p) => p.barcodes[0])).toEqual([
      orders[0]!.number,
      orders[0]!.number,
    ]);
  });
});
