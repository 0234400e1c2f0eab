import { orderExtras } from "@/db/schema";
import { getApiOrderRules } from "../api-settings";
import type { ServiceCall } from "../context";
import type { FieldErrors } from "../errors";
import type { OrderData } from "./schemas";
import { validateOrder } from "./validate";
import { insertOrders, type StatusSourceCode } from "./write";

export type BatchOrderResult =
  | { ok: true; id: number; number: string; barcode: string | null; codAmount: number; deliveryPrice: number }
  | { ok: false; reason: "invalid"; fieldErrors: FieldErrors }
  | { ok: false; reason: "duplicate"; number?: string }
  | { ok: false; reason: "client" };

/**
 * Creates a batch of orders sent through an integration (the XML API's neworder) for the acting client account,
 * with the cabinet's own insert. Each order succeeds or fails on its own; all of them in one transaction.
 */
export interface BatchInput {
  orders: unknown[];
  /** Fields without a column of their own, per order (same index), stored as sent. */
  extras?: (Record<string, unknown> | undefined)[];
  source: StatusSourceCode;
  /** For staff callers; a client account always orders for itself. */
  clientId?: number;
}

export async function createOrdersBatch({ ctx, input }: ServiceCall<BatchInput>): Promise<BatchOrderResult[]> {
  const companyId = ctx.actor.companyId;
  const clientId = ctx.actor.type === "client" ? ctx.actor.clientId : input.clientId;
  const rules = await getApiOrderRules(ctx.db, companyId);
  const results: BatchOrderResult[] = new Array(input.orders.length);
  const valid: { index: number; data: OrderData }[] = [];
  for (const [index, raw] of input.orders.entries()) {
    const v = await validateOrder(ctx.db, raw, rules, "api");
    if ("fieldErrors" in v) results[index] = { ok: false, reason: "invalid", fieldErrors: v.fieldErrors };
    else valid.push({ index, data: v.data });
  }
  if (valid.length === 0) return results;
  if (!clientId) return valid.reduce((acc, v) => ((acc[v.index] = { ok: false, reason: "client" }), acc), results);
  const inserted = await ctx.db.transaction(async (tx) => {
    const res = await insertOrders(
      tx,
      companyId,
      input.source,
      valid.map((v) => ({ clientId, data: v.data })),
    );
    const extras = res.flatMap((r, i) => {
      const data = input.extras?.[valid[i]!.index];
      return r.ok && data && Object.keys(data).length ? [{ orderId: r.id, companyId, data }] : [];
    });
    if (extras.length) await tx.insert(orderExtras).values(extras);
    return res;
  });
  inserted.forEach((res, i) => {
    const { index, data } = valid[i]!;
    results[index] = res.ok
      ? {
          ok: true,
          id: res.id,
          number: res.number,
          barcode: res.barcode,
          codAmount: data.codAmount,
          deliveryPrice: data.deliveryPrice,
        }
      : res.reason === "duplicate"
        ? { ok: false, reason: "duplicate", number: res.number }
        : { ok: false, reason: "client" };
  });
  return results;
}
