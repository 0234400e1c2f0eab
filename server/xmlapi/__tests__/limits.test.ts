import { beforeEach, describe, expect, it, vi } from "vitest";
import { withTestTransaction } from "@/db/test/helpers";
import { authenticateApi } from "@/server/services/auth/api";
import { cancelOrder, resolveOrderId } from "@/server/services/orders/lifecycle";
import { createOrdersBatch } from "@/server/services/orders/create-batch";
import { INLINE_PARSE_BYTES } from "../parse-pool";
import {
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTES_TOTAL,
  MAX_DEPTH,
  MAX_ELEMENTS,
  MAX_ORDERS_PER_REQUEST,
  MAX_TEXT,
  parseXml,
  XmlLimitError,
} from "../xml";
import { apiTenant, order, writeCounts, xmlCall } from "./helpers";
import type * as AuthApi from "@/server/services/auth/api";
import type * as Lifecycle from "@/server/services/orders/lifecycle";
import type * as CreateBatch from "@/server/services/orders/create-batch";

// Spies that pass through: they tell whether any per-order work (or a password check) ran for a request.
vi.mock("@/server/services/orders/create-batch", async (importOriginal) => {
  const m = await importOriginal<typeof CreateBatch>();
  return { ...m, createOrdersBatch: vi.fn(m.createOrdersBatch) };
});
vi.mock("@/server/services/orders/lifecycle", async (importOriginal) => {
  const m = await importOriginal<typeof Lifecycle>();
  return { ...m, cancelOrder: vi.fn(m.cancelOrder), resolveOrderId: vi.fn(m.resolveOrderId) };
});
vi.mock("@/server/services/auth/api", async (importOriginal) => {
  const m = await importOriginal<typeof AuthApi>();
  return { ...m, authenticateApi: vi.fn(m.authenticateApi) };
});

beforeEach(() => vi.clearAllMocks());

const TOO_MANY = {
  error: "40",
  errormsg: "Too many orders in one request",
  errormsgru: `Слишком много заказов в одном запросе: не больше ${MAX_ORDERS_PER_REQUEST}`,
};
const wrongAuth = (t: { company: { extraCode: number }; client: { login: string | null } }) =>
  `<auth extra="${t.company.extraCode}" login="${t.client.login}" pass="wrong"/>`;

describe("work per request is bounded", () => {
  it("answers the 100,000-order unauthenticated neworder (800 KB) once, without reading an order or a password", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const before = await writeCounts(tx);
      const body = `<neworder>${"<order/>".repeat(100_000)}</neworder>`;
      expect(body.length).toBeGreaterThan(800_000);
      for (const auth of ["", wrongAuth(t)]) {
        const r = await xmlCall(tx, body.replace("<neworder>", `<neworder>${auth}`));
        expect(r.status).toBe(200);
        expect(r.doc.neworder).toEqual(TOO_MANY);
        expect(r.xml.length).toBeLessThan(400);
      }
      expect(createOrdersBatch).not.toHaveBeenCalled();
      expect(authenticateApi).not.toHaveBeenCalled();
      expect(await writeCounts(tx)).toEqual(before);
    }));

  it("answers a failed <auth> on neworder and editorder with the maximum number of orders by one code 1", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const before = await writeCounts(tx);
      const orders = Array.from({ length: MAX_ORDERS_PER_REQUEST }, (_, i) => order(`U-${i}`)).join("");
      for (const root of ["neworder", "editorder"]) {
        const r = await xmlCall(tx, `<${root}>${wrongAuth(t)}${orders}</${root}>`);
        expect(r.doc[root]).toEqual({
          createorder: [{ error: "1", errormsg: "Authorization error", errormsgru: "Ошибка авторизации" }],
        });
      }
      expect(authenticateApi).toHaveBeenCalledTimes(2);
      expect(createOrdersBatch).not.toHaveBeenCalled();
      expect(resolveOrderId).not.toHaveBeenCalled();
      expect(await writeCounts(tx)).toEqual(before);
    }));

  it("answers cancelorder with 100,000 orders once, and a failed <auth> at the maximum once (25)", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const created = await xmlCall(tx, `<neworder>${t.auth}${order("KEEP-1")}</neworder>`);
      expect(created.doc.neworder.createorder[0].error).toBe("0");
      vi.clearAllMocks();
      const before = await writeCounts(tx);
      const huge = await xmlCall(
        tx,
        `<cancelorder>${wrongAuth(t)}${'<order orderno="KEEP-1"/>'.repeat(100_000)}</cancelorder>`,
      );
      expect(huge.doc.cancelorder).toEqual(TOO_MANY);
      const max = `<order orderno="KEEP-1"/>`.repeat(MAX_ORDERS_PER_REQUEST);
      const wrong = await xmlCall(tx, `<cancelorder>${wrongAuth(t)}${max}</cancelorder>`);
      expect(wrong.doc.cancelorder).toEqual({
        error: "25",
        errormsg: "Authorization error",
        errormsgru: "Ошибка авторизации",
      });
      expect(cancelOrder).not.toHaveBeenCalled();
      expect(await writeCounts(tx)).toEqual(before);
    }));

  it("a signed-in cancelorder naming the maximum of unknown orders looks them up at once: 52 each, one real cancel", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const created = await xmlCall(tx, `<neworder>${t.auth}${order("REAL-1")}</neworder>`);
      expect(created.doc.neworder.createorder[0].error).toBe("0");
      vi.clearAllMocks();
      const unknown = Array.from({ length: MAX_ORDERS_PER_REQUEST - 2 }, (_, i) => `<order orderno="NONE-${i}"/>`);
      const body = `<cancelorder>${t.auth}${unknown.join("")}<order ordercode="12abc"/><order orderno="REAL-1"/></cancelorder>`;
      const r = await xmlCall(tx, body);
      const results = r.doc.cancelorder.order as { orderno: string; error: string }[];
      expect(results).toHaveLength(MAX_ORDERS_PER_REQUEST);
      expect(results.filter((o) => o.error === "52")).toHaveLength(MAX_ORDERS_PER_REQUEST - 1);
      expect(results.at(-1)).toMatchObject({ orderno: "REAL-1", error: "0" });
      expect(cancelOrder).toHaveBeenCalledTimes(1);
    }));

  it("refuses an authenticated request over the maximum in every function that takes orders, writing nothing", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const before = await writeCounts(tx);
      const orders = Array.from({ length: MAX_ORDERS_PER_REQUEST + 1 }, (_, i) => order(`M-${i}`)).join("");
      for (const root of ["neworder", "editorder", "cancelorder", "setorderinfo"]) {
        const r = await xmlCall(tx, `<${root}>${t.auth}${orders}</${root}>`);
        expect(r.doc[root], root).toEqual(TOO_MANY);
      }
      // The count is of the root's own <order> children, not of the name anywhere in the text.
      const unknown = await xmlCall(tx, `<launchrocket>${orders}</launchrocket>`);
      expect(unknown.doc.error).toMatchObject({ error: "14" });
      expect(authenticateApi).not.toHaveBeenCalled();
      expect(createOrdersBatch).not.toHaveBeenCalled();
      expect(cancelOrder).not.toHaveBeenCalled();
      expect(await writeCounts(tx)).toEqual(before);
    }));

  it("creates exactly the maximum, parsed off the main thread like any large document", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const before = await writeCounts(tx);
      const orders = Array.from({ length: MAX_ORDERS_PER_REQUEST }, (_, i) => order(`MAX-${i}`)).join("");
      const body = `<neworder>${t.auth}${orders}</neworder>`;
      expect(Buffer.byteLength(body)).toBeGreaterThan(INLINE_PARSE_BYTES);
      const log = vi.spyOn(console, "error"); // the parser thread would log if it could not start
      const r = await xmlCall(tx, body);
      expect(log).not.toHaveBeenCalled();
      expect(r.doc.neworder.createorder).toHaveLength(MAX_ORDERS_PER_REQUEST);
      expect(r.doc.neworder.createorder.every((c: { error: string }) => c.error === "0")).toBe(true);
      expect((await writeCounts(tx)).orders).toBe(before.orders + MAX_ORDERS_PER_REQUEST);
    }));

  it("refuses deep nesting, attribute and element floods and megabyte-long text with error 1 before parsing", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const deep = `<neworder>${t.auth}${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}</neworder>`;
      const attributes = (n: number) => Array.from({ length: n }, (_, i) => `a${i}="1"`).join(" ");
      const attrs = `<neworder>${t.auth}<order ${attributes(MAX_ATTRIBUTES + 1)}/></neworder>`;
      const elements = `<statusreq>${t.auth}<target>${"<x/>".repeat(MAX_ELEMENTS)}</target></statusreq>`;
      const wide = `<x ${attributes(MAX_ATTRIBUTES)}/>`;
      const attrsTotal = `<statusreq>${t.auth}${wide.repeat(MAX_ATTRIBUTES_TOTAL / MAX_ATTRIBUTES + 1)}</statusreq>`;
      const run = "a".repeat(MAX_TEXT + 1);
      const longText = `<neworder>${t.auth}<order><enclosure>${run}</enclosure></order></neworder>`;
      const longTag = `<neworder>${t.auth}<order x="${"a".repeat(MAX_TEXT)}"/></neworder>`;
      const cases: [string, string][] = [
        [deep, `вложенность глубже ${MAX_DEPTH} уровней`],
        [attrs, `больше ${MAX_ATTRIBUTES} атрибутов у <order>`],
        [attrsTotal, `больше ${MAX_ATTRIBUTES_TOTAL} атрибутов в документе`],
        [elements, `больше ${MAX_ELEMENTS} элементов`],
        [longText, "больше 1 МБ текста подряд в <enclosure>"],
        [longTag, "больше 1 МБ текста подряд в <order>"],
      ];
      for (const [body, detail] of cases) {
        const r = await xmlCall(tx, body);
        expect(r.status).toBe(200);
        expect(r.doc.error).toEqual({ error: "1", errormsg: "Invalid XML", errormsgru: `Некорректный XML: ${detail}` });
      }
      expect(authenticateApi).not.toHaveBeenCalled();
    }));
});

describe("checkLimits", () => {
  it("counts only real elements: not in comments, CDATA, attribute values or deeper levels", () => {
    const n = MAX_ORDERS_PER_REQUEST + 1;
    const hidden = [
      `<!--${"<order/>".repeat(n)}-->`,
      `<![CDATA[${"<order/>".repeat(n)}]]>`,
      `<x a="${"<order/>".repeat(n).replace(/"/g, "")}"/>`,
      `<orders>${"<order/>".repeat(n)}</orders>`,
      `<?pi ${"<order/>".repeat(n)}?>`,
    ];
    for (const h of hidden)
      expect(parseXml(`<cancelorder>${h}</cancelorder>`).root, h.slice(0, 20)).toBe("cancelorder");
    // Any case: the parser lower-cases names, so <ORDER> is an order too.
    expect(() => parseXml(`<CancelOrder>${"<ORDER/>".repeat(n)}</CancelOrder>`)).toThrow(XmlLimitError);
    expect(() =>
      parseXml(`<x ${Array.from({ length: MAX_ATTRIBUTES }, (_, i) => `a${i}='>=/'`).join(" ")}/>`),
    ).not.toThrow();
    expect(parseXml(`<a>${"<b>".repeat(MAX_DEPTH - 1)}${"</b>".repeat(MAX_DEPTH - 1)}</a>`).root).toBe("a");
    expect(parseXml(`<a><b>${"t".repeat(MAX_TEXT - 1)}</b><c x="${"v".repeat(MAX_TEXT - 10)}"/></a>`).root).toBe("a");
  });
});
