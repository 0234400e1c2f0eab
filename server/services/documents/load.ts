import { and, asc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, orderItems, orders } from "@/db/schema";
import { topDeliveryBarcodes } from "./barcode";

/** Orders read per step: one query each for the orders, their TopDelivery barcodes and (waybills) their items. */
export const CHUNK = 250;

/**
 * An order's places, one label each: its number of places (`quantity`) or its package rows (each row counts its
 * own quantity), whichever is more — a label is never missing for a place either one knows of.
 */
export const placesSql = sql<number>`greatest(${orders.quantity}, coalesce((
  select sum(greatest(p.quantity, 1)) from order_packages p where p.order_id = ${orders.id} and p.company_id = ${orders.companyId}
), 0), 1)`.mapWith(Number);

const columns = {
  id: orders.id,
  number: orders.number,
  barcode: orders.barcode,
  clientName: clients.name,
  currency: clients.currency,
  senderCompany: orders.senderCompany,
  senderPerson: orders.senderPerson,
  senderPhone: orders.senderPhone,
  senderTown: orders.senderTown,
  senderAddress: orders.senderAddress,
  senderZip: orders.senderZip,
  senderDate: orders.senderDate,
  receiverCompany: orders.receiverCompany,
  receiverPerson: orders.receiverPerson,
  receiverPhone: orders.receiverPhone,
  receiverTown: orders.receiverTown,
  receiverAddress: orders.receiverAddress,
  receiverZip: orders.receiverZip,
  receiverPvz: orders.receiverPvz,
  weight: orders.weight,
  codAmount: orders.codAmount,
  declaredValue: orders.declaredValue,
  enclosure: orders.enclosure,
  instruction: orders.instruction,
  createdAt: orders.createdAt,
  places: placesSql,
};

export type DocumentOrder = Awaited<ReturnType<typeof readChunk>>[number] & {
  topDeliveryBarcode: string | null;
};

function readChunk(db: Queryable, where: SQL, after: number, size: number) {
  return db
    .select(columns)
    .from(orders)
    .innerJoin(clients, eq(clients.id, orders.clientId))
    .where(and(where, gt(orders.id, after)))
    .orderBy(asc(orders.id))
    .limit(size);
}

/**
 * The orders `where` selects (already limited to the company and, for a client account, its own), in id order,
 * `size` at a time (keyset by id): a document of any length never holds more than one chunk.
 */
export async function* orderChunks(
  db: Queryable,
  companyId: number,
  where: SQL,
  size = CHUNK,
): AsyncGenerator<DocumentOrder[]> {
  let after = 0;
  for (;;) {
    const rows = await readChunk(db, where, after, size);
    if (rows.length === 0) return;
    const barcodes = await topDeliveryBarcodes(
      db,
      companyId,
      rows.map((r) => r.id),
    );
    yield rows.map((r) => ({ ...r, topDeliveryBarcode: barcodes.get(r.id) ?? null }));
    if (rows.length < size) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The items of these orders, by order, in the order they were entered. */
export async function itemsOf(db: Queryable, companyId: number, orderIds: number[]) {
  const rows = await db
    .select({
      orderId: orderItems.orderId,
      name: orderItems.name,
      article: orderItems.article,
      quantity: orderItems.quantity,
      price: orderItems.retailPrice,
    })
    .from(orderItems)
    .where(and(eq(orderItems.companyId, companyId), inArray(orderItems.orderId, orderIds)))
    .orderBy(asc(orderItems.orderId), asc(orderItems.id));
  const out = new Map<number, typeof rows>();
  for (const r of rows) {
    const list = out.get(r.orderId) ?? [];
    list.push(r);
    out.set(r.orderId, list);
  }
  return out;
}

/** How many orders `where` selects and how many labels they take (so a too-big file is refused before it starts). */
export async function countOrders(db: Queryable, where: SQL) {
  const [row] = await db
    .select({
      orders: sql<number>`count(*)`.mapWith(Number),
      labels: sql<number>`coalesce(sum(${placesSql}), 0)`.mapWith(Number),
    })
    .from(orders)
    .where(where);
  return row ?? { orders: 0, labels: 0 };
}
