import { and, eq, getTableColumns, getTableName, inArray, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import {
  clients,
  orderChanges,
  orderItems,
  orderNumberCounters,
  orderPackages,
  orders,
  orderStatusHistory,
} from "@/db/schema";
import type { OrderData } from "./schemas";

export type StatusSourceCode = (typeof orderStatusHistory.$inferInsert)["source"];

export interface NewOrder {
  clientId: number;
  data: OrderData;
}

export type InsertResult =
  | { ok: true; id: number; number: string; barcode: string | null; deliveryPrice: number }
  | { ok: false; reason: "duplicate" | "client"; number?: string };

const dec = (n: number) => String(n);

export function orderColumns(data: OrderData) {
  const s = data.sender;
  const r = data.receiver;
  return {
    barcode: data.barcode ?? null,
    department: data.department ?? null,
    senderCompany: s.company ?? null,
    senderPerson: s.person ?? null,
    senderPhone: s.phone ?? null,
    senderTown: s.town ?? null,
    senderAddress: s.address ?? null,
    senderZip: s.zip ?? null,
    senderDate: s.date ?? null,
    senderTimeMin: s.timeMin ?? null,
    senderTimeMax: s.timeMax ?? null,
    receiverCompany: r.company ?? null,
    receiverPerson: r.person ?? null,
    receiverPhone: r.phone ?? null,
    receiverTown: r.town ?? null,
    receiverRegionCode: r.regionCode ?? null,
    receiverAddress: r.address ?? null,
    receiverZip: r.zip ?? null,
    receiverPvz: r.pvz ?? null,
    receiverDate: r.date ?? null,
    receiverTimeMin: r.timeMin ?? null,
    receiverTimeMax: r.timeMax ?? null,
    weight: dec(data.weight),
    quantity: data.quantity,
    codAmount: dec(data.codAmount),
    declaredValue: dec(data.declaredValue),
    deliveryPrice: dec(data.deliveryPrice),
    payType: data.payType,
    serviceCode: data.serviceCode ?? null,
    enclosure: data.enclosure ?? null,
    instruction: data.instruction ?? null,
  };
}

export function itemRows(companyId: number, orderId: number, data: OrderData) {
  return data.items.map((i) => ({
    orderId,
    companyId,
    name: i.name,
    article: i.article ?? null,
    barcode: i.barcode ?? null,
    quantity: dec(i.quantity),
    mass: dec(i.mass),
    retailPrice: dec(i.retailPrice),
    vatRate: i.vatRate ?? null,
  }));
}

export function packageRows(companyId: number, orderId: number, data: OrderData) {
  return data.packages.map((p) => ({
    orderId,
    companyId,
    barcode: p.barcode ?? null,
    mass: dec(p.mass),
    length: dec(p.length),
    width: dec(p.width),
    height: dec(p.height),
    quantity: p.quantity,
    message: p.message ?? null,
  }));
}

/**
 * Inserts many orders in a handful of statements (the XML API sends up to hundreds per request).
 * Results come back in input order; a number already used this year is reported, not thrown, so one
 * bad order never blocks the rest of a batch. Call inside a transaction.
 */
export async function insertOrders(
  tx: Queryable,
  companyId: number,
  source: StatusSourceCode,
  requests: NewOrder[],
  now = new Date(),
): Promise<InsertResult[]> {
  const year = now.getFullYear();
  const results: InsertResult[] = new Array(requests.length);

  const clientIds = [...new Set(requests.map((r) => r.clientId))];
  const known = clientIds.length
    ? await tx
        .select({ id: clients.id })
        .from(clients)
        .where(and(eq(clients.companyId, companyId), inArray(clients.id, clientIds)))
    : [];
  const knownIds = new Set(known.map((c) => c.id));

  const needNumbers = requests.filter((r) => knownIds.has(r.clientId) && !r.data.number).length;
  let nextNumber = 0;
  if (needNumbers > 0) {
    const [counter] = await tx
      .insert(orderNumberCounters)
      .values({ companyId, year, last: needNumbers })
      .onConflictDoUpdate({
        target: [orderNumberCounters.companyId, orderNumberCounters.year],
        set: { last: sql`${orderNumberCounters.last} + ${needNumbers}` },
      })
      .returning({ last: orderNumberCounters.last });
    nextNumber = counter!.last - needNumbers + 1;
  }

  const seen = new Set<string>();
  const pending: { index: number; number: string; req: NewOrder }[] = [];
  requests.forEach((req, index) => {
    if (!knownIds.has(req.clientId)) {
      results[index] = { ok: false, reason: "client" };
      return;
    }
    const number = req.data.number ?? `${year % 100}-${String(nextNumber++).padStart(6, "0")}`;
    if (seen.has(number)) {
      results[index] = { ok: false, reason: "duplicate", number };
      return;
    }
    seen.add(number);
    pending.push({ index, number, req });
  });
  if (pending.length === 0) return results;

  const inserted = await jsonInsert<{ id: string; number: string }>(
    tx,
    orders,
    pending.map(({ number, req }) => ({
      companyId,
      clientId: req.clientId,
      number,
      year,
      ...orderColumns(req.data),
      status: "NEW",
      statusAt: now,
      source,
      createdAt: now,
      updatedAt: now,
    })),
    sql`on conflict (company_id, year, number) do nothing returning id, number`,
  );
  const idByNumber = new Map(inserted.map((r) => [r.number, Number(r.id)]));

  const items: ReturnType<typeof itemRows> = [];
  const packages: ReturnType<typeof packageRows> = [];
  const history: (typeof orderStatusHistory.$inferInsert)[] = [];
  for (const { index, number, req } of pending) {
    const id = idByNumber.get(number);
    if (id === undefined) {
      results[index] = { ok: false, reason: "duplicate", number };
      continue;
    }
    results[index] = { ok: true, id, number, barcode: req.data.barcode ?? null, deliveryPrice: req.data.deliveryPrice };
    items.push(...itemRows(companyId, id, req.data));
    packages.push(...packageRows(companyId, id, req.data));
    history.push({ orderId: id, companyId, status: "NEW", eventTime: now, source, comment: "Заказ создан" });
  }
  await jsonInsert(tx, orderItems, items);
  await jsonInsert(tx, orderPackages, packages);
  await jsonInsert(tx, orderStatusHistory, history);
  return results;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Multi-row INSERT with the rows sent as one JSON parameter (jsonb_to_recordset): building a 100-row VALUES list
 * with drizzle costs ~0.1 ms per row in JS and thousands of bind parameters; this costs neither and has no
 * parameter limit. Keys are the table's (camelCase) column keys; every row must have the same keys.
 */
async function jsonInsert<R = unknown>(
  tx: Queryable,
  table: PgTable,
  rows: Record<string, unknown>[],
  tail?: SQL,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, { getSQLType(): string }>;
  const keys = Object.keys(rows[0]!);
  const names = keys.map((k) => `"${snake(k)}"`).join(", ");
  const types = keys.map((k) => `"${snake(k)}" ${columns[k]!.getSQLType()}`).join(", ");
  const payload = JSON.stringify(rows.map((r) => Object.fromEntries(keys.map((k) => [snake(k), r[k] ?? null]))));
  const query = sql`insert into ${sql.identifier(getTableName(table))} (${sql.raw(names)}) select ${sql.raw(names)} from jsonb_to_recordset(${payload}::jsonb) as x(${sql.raw(types)}) ${tail ?? sql``}`;
  return (await tx.execute(query)) as unknown as R[];
}

/**
 * Appends a status to the history and makes it the order's current one, applying no rule: for demo data and test
 * fixtures only. Every door goes through `applyStatusEvents` in lifecycle.ts.
 */
export async function appendStatus(
  tx: Queryable,
  order: { id: number; companyId: number },
  status: string,
  source: StatusSourceCode,
  eventTime: Date,
  comment?: string | null,
) {
  await tx
    .insert(orderStatusHistory)
    .values({ orderId: order.id, companyId: order.companyId, status, eventTime, source, comment: comment ?? null });
  await tx
    .update(orders)
    .set({ status, statusAt: eventTime, updatedAt: new Date() })
    .where(and(eq(orders.id, order.id), eq(orders.companyId, order.companyId)));
}

/**
 * Triggers on `orders` record every change of the order row for the change feed; changes that leave the row as it
 * was (items, packages, a history entry that keeps the current status) are recorded here explicitly.
 */
export async function recordOrderChanges(tx: Queryable, companyId: number, orderIds: number[]) {
  for (const chunk of chunks(orderIds, 10_000))
    await tx.insert(orderChanges).values(chunk.map((orderId) => ({ companyId, orderId })));
}

function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
