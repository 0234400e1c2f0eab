import { and, count, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import { branches, manifests, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "../errors";
import { queueTransfers } from "../../sync/queue";
import { isUniqueViolation } from "../pg-errors";
import { addOrdersSchema, createManifestSchema, listManifestsSchema, manifestIdSchema, removeOrderSchema, setSendDateSchema } from "./schemas";

const creatingBranch = alias(branches, "creating_branch");
const responsibleBranch = alias(branches, "responsible_branch");

export async function listManifests({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = listManifestsSchema.parse(input ?? {});
  const orderCount = ctx.db
    .select({ manifestId: orders.manifestId, n: count().as("n") })
    .from(orders)
    .where(eq(orders.companyId, ctx.actor.companyId))
    .groupBy(orders.manifestId)
    .as("order_count");
  const rows = await ctx.db
    .select({
      id: manifests.id,
      number: manifests.number,
      state: manifests.state,
      sendDate: manifests.sendDate,
      createdAt: manifests.createdAt,
      creatingBranchName: creatingBranch.name,
      responsibleBranchName: responsibleBranch.name,
      orderCount: sql<number>`coalesce(${orderCount.n}, 0)`.mapWith(Number),
    })
    .from(manifests)
    .leftJoin(creatingBranch, eq(creatingBranch.id, manifests.creatingBranchId))
    .innerJoin(responsibleBranch, eq(responsibleBranch.id, manifests.responsibleBranchId))
    .leftJoin(orderCount, eq(orderCount.manifestId, manifests.id))
    .where(
      and(
        eq(manifests.companyId, ctx.actor.companyId),
        q.state ? eq(manifests.state, q.state) : undefined,
        q.cursor ? lt(manifests.id, q.cursor) : undefined,
      ),
    )
    .orderBy(desc(manifests.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = hasMore ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}

export async function getManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = manifestIdSchema.parse(input);
  const [row] = await ctx.db
    .select({ manifest: manifests, creatingBranchName: creatingBranch.name, responsibleBranchName: responsibleBranch.name })
    .from(manifests)
    .leftJoin(creatingBranch, eq(creatingBranch.id, manifests.creatingBranchId))
    .innerJoin(responsibleBranch, eq(responsibleBranch.id, manifests.responsibleBranchId))
    .where(and(eq(manifests.companyId, ctx.actor.companyId), eq(manifests.id, id)));
  if (!row) throw new NotFoundError("Манифест");
  const manifestOrders = await ctx.db
    .select({
      id: orders.id,
      number: orders.number,
      status: orders.status,
      receiverPerson: orders.receiverPerson,
      receiverTown: orders.receiverTown,
      weight: orders.weight,
      quantity: orders.quantity,
    })
    .from(orders)
    .where(and(eq(orders.companyId, ctx.actor.companyId), eq(orders.manifestId, id)))
    .orderBy(orders.id);
  return { ...row.manifest, creatingBranchName: row.creatingBranchName, responsibleBranchName: row.responsibleBranchName, orders: manifestOrders };
}

async function assertBranch(db: Queryable, companyId: number, id: number | undefined, field: string) {
  if (id === undefined) return;
  const [b] = await db.select({ id: branches.id }).from(branches).where(and(eq(branches.companyId, companyId), eq(branches.id, id)));
  if (!b) throw new NotFoundError("Филиал", field);
}

export async function createManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = createManifestSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    await assertBranch(tx, companyId, data.responsibleBranchId, "responsibleBranchId");
    await assertBranch(tx, companyId, data.creatingBranchId, "creatingBranchId");
    let number = data.number;
    if (!number) {
      // Serialises number generation per company so two operators creating manifests at once get different numbers.
      await tx.execute(sql`select pg_advisory_xact_lock(7001, ${companyId})`);
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(manifests).where(eq(manifests.companyId, companyId));
      for (let probe = n + 1; ; probe++) {
        number = `М-${String(probe).padStart(5, "0")}`;
        const [taken] = await tx.select({ id: manifests.id }).from(manifests).where(and(eq(manifests.companyId, companyId), eq(manifests.number, number)));
        if (!taken) break;
      }
    }
    try {
      const [m] = await tx
        .insert(manifests)
        .values({ companyId, number, creatingBranchId: data.creatingBranchId ?? null, responsibleBranchId: data.responsibleBranchId, comment: data.comment ?? null })
        .returning({ id: manifests.id, number: manifests.number });
      return m!;
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError("Манифест с таким номером уже есть", { number: ["Манифест с таким номером уже есть"] });
      throw e;
    }
  });
}

async function lockManifest(db: Queryable, companyId: number, id: number) {
  const [m] = await db
    .select()
    .from(manifests)
    .where(and(eq(manifests.companyId, companyId), eq(manifests.id, id)))
    .for("update");
  if (!m) throw new NotFoundError("Манифест");
  return m;
}

export async function addOrdersToManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = addOrdersSchema.parse(input);
  const companyId = ctx.actor.companyId;
  if (data.orderIds.length === 0 && data.numbers.length === 0) throw new ValidationError("Укажите заказы", { numbers: ["Укажите номера заказов"] });
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, data.manifestId);
    if (m.state !== "draft") throw new ConflictError("Заказы можно добавлять только в черновик манифеста");
    const found = await tx
      .select({ id: orders.id, number: orders.number, barcode: orders.barcode, manifestId: orders.manifestId })
      .from(orders)
      .where(
        and(
          eq(orders.companyId, companyId),
          or(
            data.orderIds.length ? inArray(orders.id, data.orderIds) : undefined,
            data.numbers.length ? inArray(orders.number, data.numbers) : undefined,
            data.numbers.length ? inArray(orders.barcode, data.numbers) : undefined,
          ),
        ),
      )
      .for("update");
    const matched = new Set<string>();
    for (const o of found) {
      matched.add(String(o.id));
      matched.add(o.number);
      if (o.barcode) matched.add(o.barcode);
    }
    const notFound = [...data.orderIds.map(String), ...data.numbers].filter((k) => !matched.has(k));
    if (notFound.length) throw new ServiceError("NOT_FOUND", `Не найдены заказы: ${notFound.slice(0, 10).join(", ")}`, { numbers: [`Не найдены: ${notFound.slice(0, 10).join(", ")}`] });
    const elsewhere = found.filter((o) => o.manifestId !== null && o.manifestId !== m.id);
    if (elsewhere.length) throw new ConflictError(`Заказы уже в другом манифесте: ${elsewhere.slice(0, 10).map((o) => o.number).join(", ")}`);
    const ids = found.filter((o) => o.manifestId === null).map((o) => o.id);
    if (ids.length) {
      await tx
        .update(orders)
        .set({ manifestId: m.id, updatedAt: new Date() })
        .where(and(eq(orders.companyId, companyId), inArray(orders.id, ids), isNull(orders.manifestId)));
    }
    return { added: ids.length };
  });
}

export async function removeOrderFromManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = removeOrderSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, data.manifestId);
    if (m.state !== "draft") throw new ConflictError("Заказы можно убирать только из черновика манифеста");
    const removed = await tx
      .update(orders)
      .set({ manifestId: null, updatedAt: new Date() })
      .where(and(eq(orders.companyId, companyId), eq(orders.id, data.orderId), eq(orders.manifestId, m.id)))
      .returning({ id: orders.id });
    if (removed.length === 0) throw new NotFoundError("Заказ");
    return { removed: 1 };
  });
}

export async function markManifestAssembled({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = manifestIdSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, id);
    if (m.state !== "draft") throw new ConflictError("Манифест уже скомплектован");
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(orders).where(and(eq(orders.companyId, companyId), eq(orders.manifestId, id)));
    if (n === 0) throw new ConflictError("В манифесте нет заказов");
    await tx.update(manifests).set({ state: "assembled", updatedAt: new Date() }).where(and(eq(manifests.companyId, companyId), eq(manifests.id, id)));
    return { id, state: "assembled" as const };
  });
}

/**
 * Setting the send date hands the bag over: every order in it takes the manifest's responsible branch,
 * which is what transfers to partners hang on.
 */
export async function setManifestSendDate({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = setSendDateSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, data.id);
    if (m.state === "draft") throw new ConflictError("Сначала скомплектуйте манифест");
    await tx
      .update(manifests)
      .set({ state: "sent", sendDate: data.sendDate, updatedAt: new Date() })
      .where(and(eq(manifests.companyId, companyId), eq(manifests.id, m.id)));
    const updated = await tx
      .update(orders)
      .set({ responsibleBranchId: m.responsibleBranchId, updatedAt: new Date() })
      .where(and(eq(orders.companyId, companyId), eq(orders.manifestId, m.id)))
      .returning({ id: orders.id });
    const orderIds = updated.map((o) => o.id);
    const { queued } = await queueTransfers(tx, companyId, orderIds);
    return { id: m.id, state: "sent" as const, sendDate: data.sendDate, orderIds, responsibleBranchId: m.responsibleBranchId, queuedTransfers: queued };
  });
}
