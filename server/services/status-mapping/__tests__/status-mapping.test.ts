import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database, Queryable, Transaction } from "@/db/client";
import {
  hookDeliveries,
  integrations,
  orderStatusHistory,
  orders,
  partnerStatusCodes,
  statusMappings,
  transfers,
  unmappedStatusEvents,
} from "@/db/schema";
import { createBranch, createOrders, createStaff, createTenant, ctxFor } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { fakeIntegrator } from "@/server/integrators/__tests__/fake";
import { getIntegrator, registerIntegrator } from "@/server/integrators/registry";
import type { IntegratorAdapter, PartnerStatusEvent } from "@/server/integrators/types";
import { processHookDeliveries } from "../../exchange/hooks";
import type { Partner } from "../../exchange/partner";
import { applyPartnerEvents } from "../../exchange/status";
import { ForbiddenError, ValidationError } from "../../errors";
import { listStatusMappings, resetStatusMapping, saveStatusMapping } from "..";
import { saveStatusMappingSchema } from "../schemas";

// The test-only partner: its table knows «on_the_way» and «delivered» only, so any other code is unknown to it.
registerIntegrator(fakeIntegrator as unknown as IntegratorAdapter);

const SECRET = "fake-hook-secret";
const CUSTOMS = "held_at_customs";
const CUSTOMS_TEXT = "Задержан на таможне";

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** A branch of the tenant handing `n` orders to `integrator`: the orders are at the partner (transfers sent). */
async function atPartner(db: Queryable, t: Tenant, integrator: "fake" | "cdek", n: number) {
  const branch = await createBranch(db, t.company.id);
  const [integration] = await db
    .insert(integrations)
    .values({
      companyId: t.company.id,
      branchId: branch.id,
      integrator,
      settings: integrator === "fake" ? { apiUrl: "http://127.0.0.1:9", hookSecret: SECRET } : {},
    })
    .returning();
  const created = await createOrders(db, t.company.id, t.client.id, n);
  await db.insert(transfers).values(
    created.map((o) => ({
      companyId: t.company.id,
      orderId: o.id,
      integrationId: integration!.id,
      state: "sent" as const,
      partnerNumber: o.number,
      sentAt: new Date(),
    })),
  );
  const p: Partner = {
    id: integration!.id,
    companyId: t.company.id,
    ownerKind: "branch",
    branchId: branch.id,
    clientId: null,
    integrator,
    enabled: true,
    adapter: getIntegrator(integrator)!,
    settings: {},
    options: { timeoutMs: 1_000, selfApiUrl: "http://127.0.0.1:9", integrationId: integration!.id },
  };
  return { p, integration: integration!, ids: created.map((o) => o.id), numbers: created.map((o) => o.number) };
}

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 10, 9, minutes));

const customs = (number: string, minutes = 30): PartnerStatusEvent => ({
  number,
  code: CUSTOMS,
  title: CUSTOMS_TEXT,
  eventTime: at(minutes),
  comment: "Ждёт документов",
});

async function statuses(db: Queryable, ids: number[]) {
  const rows = await db.select({ id: orders.id, status: orders.status }).from(orders).where(inArray(orders.id, ids));
  const byId = new Map(rows.map((r) => [r.id, r.status]));
  return ids.map((id) => byId.get(id));
}

async function agentHistory(db: Queryable, orderId: number) {
  return db
    .select({
      status: orderStatusHistory.status,
      eventTime: orderStatusHistory.eventTime,
      comment: orderStatusHistory.comment,
    })
    .from(orderStatusHistory)
    .where(and(eq(orderStatusHistory.orderId, orderId), eq(orderStatusHistory.source, "agent")))
    .orderBy(asc(orderStatusHistory.id));
}

async function rowOf(t: Tenant, integrator: string, code: string) {
  const list = await listStatusMappings({ ctx: t.staffCtx, input: undefined });
  return list.integrators.find((i) => i.integrator === integrator)?.rows.find((r) => r.code === code);
}

const operatorOf = async (db: Transaction, t: Tenant) => {
  const op = await createStaff(db, t.company.id, { role: "operator" });
  return ctxFor(db, { type: "staff", companyId: t.company.id, userId: op.id, role: "operator" });
};

describe("partner status codes a company has not mapped", () => {
  it("an unknown code is recorded with the partner's text, its orders and first sighting; the orders stay as they were", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { p, ids, numbers } = await atPartner(tx, t, "fake", 3);
      const before = await statuses(tx, ids);
      const batch = [
        customs(numbers[0]!),
        customs(numbers[1]!),
        { number: numbers[2]!, code: "delivered", eventTime: at(5) },
      ];

      const first = await applyPartnerEvents(tx, p, batch, "Тест");
      expect(first).toEqual({ applied: 1, unmapped: 2 });
      expect(await statuses(tx, ids)).toEqual([before[0], before[1], "COMPLETE"]);
      expect(await agentHistory(tx, ids[0]!)).toEqual([]);

      const row = await rowOf(t, "fake", CUSTOMS);
      expect(row).toMatchObject({
        title: CUSTOMS_TEXT,
        status: null,
        defaultStatus: null,
        overridden: false,
        waitingOrders: 2,
        waitingEvents: 2,
      });
      expect(row!.firstSeenAt).toBeInstanceOf(Date);
      // Codes waiting for a mapping come first; a code the table maps is remembered too, with its default.
      const fake = (await listStatusMappings({ ctx: t.staffCtx, input: undefined })).integrators.find(
        (i) => i.integrator === "fake",
      )!;
      expect(fake.rows[0]!.code).toBe(CUSTOMS);
      expect(fake.rows.find((r) => r.code === "delivered")).toMatchObject({
        status: "COMPLETE",
        defaultStatus: "COMPLETE",
        waitingEvents: 0,
      });

      // The same batch again (applied, not acknowledged): nothing is kept twice, the first sighting stays.
      const again = await applyPartnerEvents(tx, p, batch, "Тест");
      expect(again.unmapped).toBe(2);
      const [kept] = await tx
        .select({ firstSeenAt: partnerStatusCodes.firstSeenAt })
        .from(partnerStatusCodes)
        .where(and(eq(partnerStatusCodes.companyId, t.company.id), eq(partnerStatusCodes.code, CUSTOMS)));
      expect(kept!.firstSeenAt).toEqual(row!.firstSeenAt);
      expect(await rowOf(t, "fake", CUSTOMS)).toMatchObject({ waitingOrders: 2, waitingEvents: 2 });
    }));

  it("mapping it applies the waiting events through the lifecycle, once; later events of the code map directly", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { p, ids, numbers } = await atPartner(tx, t, "fake", 4);
      // The third order was delivered before the partner's late customs status: final, never reopened.
      await applyPartnerEvents(tx, p, [{ number: numbers[2]!, code: "delivered", eventTime: at(1) }], "Тест");
      await applyPartnerEvents(tx, p, [customs(numbers[0]!), customs(numbers[1]!), customs(numbers[2]!)], "Тест");
      const untouched = (await statuses(tx, [ids[3]!]))[0];

      const saved = await saveStatusMapping({
        ctx: t.staffCtx,
        input: { integrator: "fake", code: CUSTOMS, status: "CUSTOMSPROCESS" },
      });
      expect(saved).toEqual({
        integrator: "fake",
        code: CUSTOMS,
        status: "CUSTOMSPROCESS",
        isDefault: false,
        applied: 3,
        ordersChanged: 2,
      });
      expect(await statuses(tx, ids)).toEqual(["CUSTOMSPROCESS", "CUSTOMSPROCESS", "COMPLETE", untouched]);
      expect(await agentHistory(tx, ids[0]!)).toEqual([
        { status: "CUSTOMSPROCESS", eventTime: at(30), comment: `Партнёр: ${CUSTOMS_TEXT} — Ждёт документов` },
      ]);
      expect((await agentHistory(tx, ids[2]!)).map((h) => h.status)).toEqual(["COMPLETE", "CUSTOMSPROCESS"]);
      expect(await rowOf(t, "fake", CUSTOMS)).toMatchObject({
        status: "CUSTOMSPROCESS",
        defaultStatus: null,
        overridden: true,
        waitingEvents: 0,
        waitingOrders: 0,
      });

      // Saved again: nothing is waiting any more, nothing is applied twice.
      const twice = await saveStatusMapping({
        ctx: t.staffCtx,
        input: { integrator: "fake", code: CUSTOMS, status: "CUSTOMSPROCESS" },
      });
      expect(twice).toMatchObject({ applied: 0, ordersChanged: 0 });
      expect(await agentHistory(tx, ids[0]!)).toHaveLength(1);

      const later = await applyPartnerEvents(tx, p, [customs(numbers[3]!, 40)], "Тест");
      expect(later).toEqual({ applied: 1, unmapped: 0 });
      expect((await statuses(tx, [ids[3]!]))[0]).toBe("CUSTOMSPROCESS");
    }));

  it("webhook deliveries go the same way: kept while unmapped, mapped by the company's table afterwards", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { integration, ids, numbers } = await atPartner(tx, t, "fake", 2);
      const deliver = (key: string, number: string, minutes: number) =>
        tx.insert(hookDeliveries).values({
          companyId: t.company.id,
          integrationId: integration.id,
          deliveryKey: key,
          body: JSON.stringify({ id: key, statuses: [{ number, status: "lost_in_space", at: at(minutes) }] }),
        });
      const db = tx as unknown as Database;

      await deliver("d-1", numbers[0]!, 10);
      expect(await processHookDeliveries(db, integration.id)).toBe(1);
      const before = await statuses(tx, ids);
      expect(await rowOf(t, "fake", "lost_in_space")).toMatchObject({ status: null, waitingOrders: 1 });

      const saved = await saveStatusMapping({
        ctx: t.staffCtx,
        input: { integrator: "fake", code: "lost_in_space", status: "LOST" },
      });
      expect(saved).toMatchObject({ applied: 1, ordersChanged: 1 });
      await deliver("d-2", numbers[1]!, 20);
      expect(await processHookDeliveries(db, integration.id)).toBe(1);
      expect(before).not.toContain("LOST");
      expect(await statuses(tx, ids)).toEqual(["LOST", "LOST"]);
      expect(await agentHistory(tx, ids[1]!)).toEqual([{ status: "LOST", eventTime: at(20), comment: null }]);
    }));
});

describe("a company's overrides of an integrator's table", () => {
  it("an override changes how a known code maps for that company only; the default chosen again is no override", () =>
    withTestTransaction(async (tx) => {
      const a = await createTenant(tx);
      const b = await createTenant(tx);
      const atA = await atPartner(tx, a, "cdek", 1);
      const atB = await atPartner(tx, b, "cdek", 1);

      const saved = await saveStatusMapping({
        ctx: a.staffCtx,
        input: { integrator: "cdek", code: "DELIVERED", status: "PARTIALLY" },
      });
      expect(saved).toMatchObject({ status: "PARTIALLY", isDefault: false, applied: 0 });
      const delivered = (n: string): PartnerStatusEvent => ({
        number: n,
        code: "DELIVERED",
        title: "Вручен",
        eventTime: at(50),
      });
      await applyPartnerEvents(tx, atA.p, [delivered(atA.numbers[0]!)], "Тест");
      await applyPartnerEvents(tx, atB.p, [delivered(atB.numbers[0]!)], "Тест");
      expect(await statuses(tx, [atA.ids[0]!, atB.ids[0]!])).toEqual(["PARTIALLY", "COMPLETE"]);

      expect(await rowOf(a, "cdek", "DELIVERED")).toMatchObject({
        title: "Вручен",
        status: "PARTIALLY",
        defaultStatus: "COMPLETE",
        overridden: true,
      });
      expect(await rowOf(b, "cdek", "DELIVERED")).toMatchObject({ status: "COMPLETE", overridden: false });
      // The adapter's whole table is listed as the default, seen or not.
      const cdekRows = (await listStatusMappings({ ctx: b.staffCtx, input: undefined })).integrators.find(
        (i) => i.integrator === "cdek",
      )!.rows;
      expect(cdekRows.find((r) => r.code === "POSTOMAT_RECEIVED")).toMatchObject({
        status: "COMPLETE",
        overridden: false,
        firstSeenAt: null,
      });

      // Choosing CDEK's own reading again leaves no override behind.
      const back = await saveStatusMapping({
        ctx: a.staffCtx,
        input: { integrator: "cdek", code: "DELIVERED", status: "COMPLETE" },
      });
      expect(back).toMatchObject({ status: "COMPLETE", isDefault: true });
      expect(await tx.select().from(statusMappings).where(eq(statusMappings.companyId, a.company.id))).toEqual([]);
    }));

  it("reset to default: the adapter's table decides again; a code it does not know goes back to waiting", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { p, ids, numbers } = await atPartner(tx, t, "cdek", 2);
      await saveStatusMapping({
        ctx: t.staffCtx,
        input: { integrator: "cdek", code: "DELIVERED", status: "PARTIALLY" },
      });
      await saveStatusMapping({
        ctx: t.staffCtx,
        input: { integrator: "cdek", code: "NEW_CDEK_CODE", status: "DELIVERY" },
      });

      const reset = await resetStatusMapping({ ctx: t.staffCtx, input: { integrator: "cdek", code: "DELIVERED" } });
      expect(reset).toEqual({
        integrator: "cdek",
        code: "DELIVERED",
        status: "COMPLETE",
        isDefault: true,
        applied: 0,
        ordersChanged: 0,
      });
      expect(await rowOf(t, "cdek", "DELIVERED")).toMatchObject({ status: "COMPLETE", overridden: false });
      const gone = await resetStatusMapping({ ctx: t.staffCtx, input: { integrator: "cdek", code: "NEW_CDEK_CODE" } });
      expect(gone).toMatchObject({ status: null, isDefault: true });

      const r = await applyPartnerEvents(
        tx,
        p,
        [
          { number: numbers[0]!, code: "DELIVERED", eventTime: at(10) },
          { number: numbers[1]!, code: "NEW_CDEK_CODE", eventTime: at(10) },
        ],
        "Тест",
      );
      expect(r).toEqual({ applied: 1, unmapped: 1 });
      expect((await statuses(tx, ids))[0]).toBe("COMPLETE");
      expect(await rowOf(t, "cdek", "NEW_CDEK_CODE")).toMatchObject({ status: null, waitingOrders: 1 });
    }));
});

describe("who may see and change the mapping", () => {
  it("a client account and a non-admin cannot edit; the operator sees the screen read-only, the client not at all", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { numbers, p } = await atPartner(tx, t, "fake", 1);
      await applyPartnerEvents(tx, p, [customs(numbers[0]!)], "Тест");
      const operator = await operatorOf(tx, t);
      const input = { integrator: "fake", code: CUSTOMS, status: "LOST" as const };

      for (const ctx of [t.clientCtx, operator]) {
        await expect(saveStatusMapping({ ctx, input })).rejects.toBeInstanceOf(ForbiddenError);
        await expect(resetStatusMapping({ ctx, input })).rejects.toBeInstanceOf(ForbiddenError);
      }
      await expect(listStatusMappings({ ctx: t.clientCtx, input: undefined })).rejects.toBeInstanceOf(ForbiddenError);
      const seen = await listStatusMappings({ ctx: operator, input: undefined });
      expect(seen.canEdit).toBe(false);
      expect(seen.integrators.find((i) => i.integrator === "fake")!.rows[0]).toMatchObject({
        code: CUSTOMS,
        waitingOrders: 1,
      });
      expect((await listStatusMappings({ ctx: t.staffCtx, input: undefined })).canEdit).toBe(true);
      expect(await tx.select().from(statusMappings).where(eq(statusMappings.companyId, t.company.id))).toEqual([]);
      expect(await rowOf(t, "fake", CUSTOMS)).toMatchObject({ waitingEvents: 1 });
    }));

  it("another company's codes, overrides and waiting orders are invisible to it and untouched by its mapping", () =>
    withTestTransaction(async (tx) => {
      const a = await createTenant(tx);
      const b = await createTenant(tx);
      const atA = await atPartner(tx, a, "fake", 2);
      await applyPartnerEvents(tx, atA.p, [customs(atA.numbers[0]!), customs(atA.numbers[1]!)], "Тест");
      await saveStatusMapping({ ctx: a.staffCtx, input: { integrator: "cdek", code: "DELIVERED", status: "LOST" } });
      const before = await statuses(tx, atA.ids);

      const listB = await listStatusMappings({ ctx: b.staffCtx, input: undefined });
      expect(listB.integrators.map((i) => i.integrator)).toEqual(["measoft", "cdek", "topdelivery"]);
      expect(
        listB.integrators.find((i) => i.integrator === "cdek")!.rows.find((r) => r.code === "DELIVERED"),
      ).toMatchObject({ status: "COMPLETE", overridden: false });

      const byB = await saveStatusMapping({
        ctx: b.staffCtx,
        input: { integrator: "fake", code: CUSTOMS, status: "CUSTOMSPROCESS" },
      });
      expect(byB).toMatchObject({ applied: 0, ordersChanged: 0 });
      expect(await statuses(tx, atA.ids)).toEqual(before);
      const waitingA = await tx
        .select({ id: unmappedStatusEvents.id })
        .from(unmappedStatusEvents)
        .where(eq(unmappedStatusEvents.companyId, a.company.id));
      expect(waitingA).toHaveLength(2);
      expect(await rowOf(a, "fake", CUSTOMS)).toMatchObject({ status: null, overridden: false, waitingOrders: 2 });
    }));

  it("bad input is refused with a Russian message at its field", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const unknown = saveStatusMapping({
        ctx: t.staffCtx,
        input: { integrator: "no-such-partner", code: "X", status: "LOST" },
      });
      await expect(unknown).rejects.toBeInstanceOf(ValidationError);
      await expect(unknown).rejects.toMatchObject({ fieldErrors: { integrator: ["Интегратор не найден"] } });

      const parsed = saveStatusMappingSchema.safeParse({ integrator: "cdek", code: "  ", status: "WHATEVER" });
      expect(parsed.success).toBe(false);
      const messages = Object.fromEntries(parsed.error!.issues.map((i) => [i.path.join("."), i.message]));
      expect(messages).toEqual({ code: "Укажите код статуса партнёра", status: "Выберите наш статус из списка" });
      expect(saveStatusMappingSchema.safeParse({ integrator: "cdek", code: "A\0B", status: "LOST" }).success).toBe(
        false,
      );
    }));
});
