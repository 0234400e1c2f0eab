import { and, asc, eq, inArray } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, orderItems, orderPackages, orders } from "@/db/schema";
import type { OutgoingOrder } from "../../integrators/types";
import { receiverOf, senderOf } from "../orders/parties";

const num = (v: string | null) => (v === null ? null : Number(v));

/** Our orders as the integrator-neutral shape the adapters map to their partner's format. */
export async function loadOutgoingOrders(
  db: Queryable,
  companyId: number,
  orderIds: number[],
): Promise<Map<number, OutgoingOrder>> {
  if (orderIds.length === 0) return new Map();
  const [rows, items, packages] = await Promise.all([
    db
      .select({ o: orders, clientCurrency: clients.currency })
      .from(orders)
      .innerJoin(clients, eq(clients.id, orders.clientId))
      .where(and(eq(orders.companyId, companyId), inArray(orders.id, orderIds))),
    db
      .select()
      .from(orderItems)
      .where(and(eq(orderItems.companyId, companyId), inArray(orderItems.orderId, orderIds)))
      .orderBy(asc(orderItems.id)),
    db
      .select()
      .from(orderPackages)
      .where(and(eq(orderPackages.companyId, companyId), inArray(orderPackages.orderId, orderIds)))
      .orderBy(asc(orderPackages.id)),
  ]);
  const out = new Map<number, OutgoingOrder>();
  for (const { o, clientCurrency } of rows) {
    out.set(o.id, {
      number: o.number,
      barcode: o.barcode,
      sender: senderOf(o),
      receiver: receiverOf(o),
      weight: Number(o.weight),
      quantity: o.quantity,
      clientCurrency,
      payType: o.payType,
      serviceCode: o.serviceCode,
      codAmount: Number(o.codAmount),
      declaredValue: Number(o.declaredValue),
      deliveryPrice: Number(o.deliveryPrice),
      enclosure: o.enclosure,
      instruction: o.instruction,
      items: [],
      packages: [],
    });
  }
  for (const i of items) {
    out.get(i.orderId)?.items.push({
      name: i.name,
      article: i.article,
      barcode: i.barcode,
      quantity: Number(i.quantity),
      mass: num(i.mass),
      retailPrice: Number(i.retailPrice),
      vatRate: i.vatRate,
    });
  }
  for (const p of packages) {
    out.get(p.orderId)?.packages.push({
      barcode: p.barcode,
      mass: num(p.mass),
      length: num(p.length),
      width: num(p.width),
      height: num(p.height),
      quantity: p.quantity,
      message: p.message,
    });
  }
  return out;
}
