import type { Queryable } from "@/db/client";
import { orderExtras } from "@/db/schema";
import { getApiOrderRules, type ApiOrderRules, type RequirableField } from "../api-settings";
import type { ServiceCall } from "../context";
import type { FieldErrors } from "../errors";
import { resolveTown } from "../reference";
import { orderDataSchema, type OrderData } from "./schemas";
import { insertOrders, type StatusSourceCode } from "./write";

export type BatchOrderResult =
  | { ok: true; id: number; number: string; barcode: string | null; codAmount: number; deliveryPrice: number }
  | { ok: false; reason: "invalid"; fieldErrors: FieldErrors }
  | { ok: false; reason: "duplicate"; number?: string }
  | { ok: false; reason: "client" };

const REQUIRED_MESSAGES: Record<RequirableField, string> = {
  "receiver.company": "Укажите компанию получателя",
  "sender.company": "Укажите компанию отправителя",
  "sender.person": "Укажите контактное лицо отправителя",
  "sender.phone": "Укажите телефон отправителя",
  "sender.address": "Укажите адрес отправителя",
};

/**
 * Validates one order as sent by an integration: the cabinet's schema, then what routing needs — a receiver town
 * (and a sender town when given) found in the town reference, stored under its reference name — and the fields
 * the company requires. Field errors come back keyed by path, like the cabinet's forms.
 */
export async function validateIntegrationOrder(db: Queryable, raw: unknown, rules: ApiOrderRules): Promise<{ data: OrderData } | { fieldErrors: FieldErrors }> {
  const errors: FieldErrors = {};
  const add = (path: string, message: string) => (errors[path] ??= []).push(message);
  const parsed = orderDataSchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) add(issue.path.join(".") || "_", issue.message);

  const r = raw as { receiver?: Record<string, unknown>; sender?: Record<string, unknown> } | null;
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const receiverTown = str(r?.receiver?.town);
  const receiverZip = str(r?.receiver?.zip);
  const rTown = receiverTown || receiverZip ? await resolveTown(db, { name: receiverTown, regionCode: str(r?.receiver?.regionCode), zip: receiverTown ? "" : receiverZip }) : null;
  if (!receiverTown && !rTown) add("receiver.town", "Укажите город получателя");
  else if (!rTown && rules.strictTowns) add("receiver.town", `Город получателя «${receiverTown.slice(0, 100)}» не найден`);
  const senderTown = str(r?.sender?.town);
  const sTown = senderTown ? await resolveTown(db, { name: senderTown }) : null;
  if (senderTown && !sTown && rules.strictTowns) add("sender.town", `Город отправителя «${senderTown.slice(0, 100)}» не найден`);
  for (const field of rules.required) {
    const [side, key] = field.split(".") as ["sender" | "receiver", string];
    if (!str(r?.[side]?.[key])) add(field, REQUIRED_MESSAGES[field]);
  }
  if (Object.keys(errors).length || !parsed.success) return { fieldErrors: errors };

  const data = parsed.data;
  // A town found in the reference is stored under its reference name; an unknown one as typed.
  if (rTown) {
    data.receiver.town = rTown.name;
    data.receiver.regionCode ??= rTown.regionCode;
  }
  if (sTown) data.sender.town = sTown.name;
  return { data };
}

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
    const v = await validateIntegrationOrder(ctx.db, raw, rules);
    if ("fieldErrors" in v) results[index] = { ok: false, reason: "invalid", fieldErrors: v.fieldErrors };
    else valid.push({ index, data: v.data });
  }
  if (valid.length === 0) return results;
  if (!clientId) return valid.reduce((acc, v) => ((acc[v.index] = { ok: false, reason: "client" }), acc), results);
  const inserted = await ctx.db.transaction(async (tx) => {
    const res = await insertOrders(tx, companyId, input.source, valid.map((v) => ({ clientId, data: v.data })));
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
      ? { ok: true, id: res.id, number: res.number, barcode: res.barcode, codAmount: data.codAmount, deliveryPrice: data.deliveryPrice }
      : res.reason === "duplicate"
        ? { ok: false, reason: "duplicate", number: res.number }
        : { ok: false, reason: "client" };
  });
  return results;
}
