import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable, Transaction } from "@/db/client";
import { branches, integrations, orders, transfers } from "@/db/schema";
import { createClient, createOrders, createTenant, sampleOrder, today } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { createIsolatedSyncPair } from "@/db/test/isolated-pair";
import type { SyncPair } from "@/db/test/sync-pair";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "@/server/services/manifests";
import { runCancels } from "@/server/services/exchange/cancel";
import { pollPartnerStatuses } from "@/server/services/exchange/status";
import { runTransfers } from "@/server/services/exchange/transfer";
import { createCaller } from "@/server/trpc/root";
import { xmlCall } from "@/server/xmlapi/__tests__/helpers";
import type { Actor } from "../../context";
import { getOrder } from "../get";
import { orderRules, statusMayReplace } from "../lifecycle";
import { appendStatus } from "../write";

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

// Every rule is a row; every row is run through each door that can reach it: the XML API (handleXmlRequest), tRPC
// (the router's caller) and the worker (a real poll/cancel against a partner deployment over loopback).

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function setStatus(db: Queryable, companyId: number, id: number, status: string, comment?: string) {
  if (status !== "NEW") await appendStatus(db, { id, companyId }, status, "cabinet", new Date(), comment);
}

const readStatus = async (t: Tenant, id: number) => (await getOrder({ ctx: t.staffCtx, input: { id } })).status;

/** A partner account linked to the tenant's branch, and the order handed to that branch: what setorderinfo touches. */
async function agentSetup(tx: Transaction, t: Tenant, orderId: number) {
  const login = `agent_${randomBytes(3).toString("hex")}`;
  const agent = await createClient(tx, t.company.id, { kind: "courier", login, password: "agent" });
  await tx.update(branches).set({ agentClientId: agent.id }).where(eq(branches.id, t.branch.id));
  await tx.update(orders).set({ responsibleBranchId: t.branch.id }).where(eq(orders.id, orderId));
  return `<auth extra="${t.company.extraCode}" login="${login}" pass="agent"/>`;
}

/** An integration and a transfer in the given state, without any network: the rules read only these rows. */
async function handOver(tx: Transaction, t: Tenant, orderId: number, number: string) {
  const [i] = await tx
    .insert(integrations)
    .values({ companyId: t.company.id, branchId: t.branch.id, integrator: "measoft", settings: {}, enabled: true })
    .returning({ id: integrations.id });
  await tx.insert(transfers).values({
    companyId: t.company.id,
    orderId,
    integrationId: i!.id,
    state: "sent",
    partnerNumber: number,
    sentAt: new Date(),
  });
}

// ─── Status transitions ────────────────────────────────────────────────────────────────────────────────────────────

interface StatusRow {
  rule: string;
  current: string;
  incoming: string;
  /** A partner's report (XML setorderinfo, the worker's poll): becomes current, or goes into the history only. */
  partner: "replaced" | "history";
  /** Staff at the card's status control (tRPC orders.setStatus): set, or refused with the reason. */
  staff: "set" | "refused";
}

const STATUS_RULES: StatusRow[] = [
  { rule: "moves forward", current: "NEW", incoming: "DELIVERY", partner: "replaced", staff: "set" },
  { rule: "reaches a final status", current: "DELIVERY", incoming: "COMPLETE", partner: "replaced", staff: "set" },
  {
    rule: "a final status is never reopened",
    current: "COMPLETE",
    incoming: "DELIVERY",
    partner: "history",
    staff: "refused",
  },
  {
    rule: "CANCELED → RETURNED is allowed",
    current: "CANCELED",
    incoming: "RETURNED",
    partner: "replaced",
    staff: "set",
  },
  { rule: "final → another final moves", current: "COMPLETE", incoming: "LOST", partner: "replaced", staff: "set" },
  {
    rule: "a final status is never reopened (lost)",
    current: "LOST",
    incoming: "ACCEPTED",
    partner: "history",
    staff: "refused",
  },
];

describe("status transition rules", () => {
  it.each(STATUS_RULES)("the pure rule: $rule", (row) => {
    expect(statusMayReplace(row.current, row.incoming)).toBe(row.partner === "replaced");
    const staff: Actor = { type: "staff", companyId: 1, userId: 1, role: "admin" };
    const allowed = orderRules(staff, { status: row.current, handedOver: false, cancelPending: false }).allowedStatuses;
    expect(allowed.includes(row.incoming as never)).toBe(row.staff === "set");
  });

  it.each(STATUS_RULES)("XML setorderinfo: $rule", (row) =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      await setStatus(tx, t.company.id, o!.id, row.current);
      const auth = await agentSetup(tx, t, o!.id);
      const report = `<status>${row.incoming}</status><eventtime>2026-11-30 12:00:00</eventtime>`;
      const body = `<setorderinfo>${auth}<order><ordercode>${o!.id}</ordercode>${report}<message>Звонок получателю</message></order></setorderinfo>`;
      const { doc } = await xmlCall(tx, body);
      expect(doc.setorderinfo.order[0].error).toBe("0");
      expect(await readStatus(t, o!.id)).toBe(row.partner === "replaced" ? row.incoming : row.current);
      // The partner's comment travels with the status into the history, whether or not it became current.
      const last = (await getOrder({ ctx: t.staffCtx, input: { id: o!.id } })).history.at(-1);
      expect(last).toMatchObject({ status: row.incoming, source: "agent", comment: "Звонок получателю" });
    }),
  );

  it.each(STATUS_RULES)("tRPC orders.setStatus: $rule", (row) =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      await setStatus(tx, t.company.id, o!.id, row.current);
      const caller = createCaller({ db: tx, actor: t.staffCtx.actor });
      expect((await caller.orders.get({ id: o!.id })).allowedStatuses.includes(row.incoming as never)).toBe(
        row.staff === "set",
      );
      const res = await tx
        .transaction(() => caller.orders.setStatus({ id: o!.id, status: row.incoming as never }))
        .catch((e: unknown) => e);
      if (row.staff === "set") {
        expect(res).toEqual({ id: o!.id, status: row.incoming });
        expect(await readStatus(t, o!.id)).toBe(row.incoming);
      } else {
        expect(res).toMatchObject({ code: "CONFLICT" });
        expect(await readStatus(t, o!.id)).toBe(row.current);
      }
    }),
  );

  it("tRPC: CANCELED is not set by hand while the order is open (the cancel verb knows about partners)", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      const caller = createCaller({ db: tx, actor: t.staffCtx.actor });
      expect((await caller.orders.get({ id: o!.id })).allowedStatuses).not.toContain("CANCELED");
      const err = await tx
        .transaction(() => caller.orders.setStatus({ id: o!.id, status: "CANCELED" }))
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/Отменить заказ/) });
      const client = createCaller({ db: tx, actor: t.clientCtx.actor });
      const own = await client.orders.get({ id: o!.id });
      expect([own.allowedStatuses, own.statusBlockedReason]).toEqual([[], "Статус заказа меняет курьерская служба"]);
    }));
});

// ─── Cancel and edit ───────────────────────────────────────────────────────────────────────────────────────────────

interface CancelRow {
  rule: string;
  actor: "client" | "staff";
  status: string;
  handedOver: boolean;
  cancel: "cancelled" | "requested" | "already" | "refused";
  edit: boolean;
}

const CANCEL_RULES: CancelRow[] = [
  {
    rule: "a client's new order is cancelled here",
    actor: "client",
    status: "NEW",
    handedOver: false,
    cancel: "cancelled",
    edit: true,
  },
  {
    rule: "a client cannot cancel or edit an order in work",
    actor: "client",
    status: "ACCEPTED",
    handedOver: false,
    cancel: "refused",
    edit: false,
  },
  {
    rule: "staff cancel an order in work",
    actor: "staff",
    status: "ACCEPTED",
    handedOver: false,
    cancel: "cancelled",
    edit: true,
  },
  {
    rule: "nobody cancels or edits a final order",
    actor: "staff",
    status: "COMPLETE",
    handedOver: false,
    cancel: "refused",
    edit: false,
  },
  {
    rule: "cancelling a cancelled order changes nothing",
    actor: "client",
    status: "CANCELED",
    handedOver: false,
    cancel: "already",
    edit: false,
  },
  {
    rule: "a handed-over order is cancelled at the partner (client)",
    actor: "client",
    status: "NEW",
    handedOver: true,
    cancel: "requested",
    edit: false,
  },
  {
    rule: "a handed-over order is cancelled at the partner (staff)",
    actor: "staff",
    status: "ACCEPTED",
    handedOver: true,
    cancel: "requested",
    edit: false,
  },
];

async function cancelSetup(tx: Transaction, row: CancelRow) {
  const t = await createTenant(tx);
  const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
  await setStatus(tx, t.company.id, o!.id, row.status);
  if (row.handedOver) await handOver(tx, t, o!.id, o!.number);
  return { t, o: o! };
}

async function expectCancelled(tx: Transaction, t: Tenant, orderId: number, row: CancelRow) {
  const order = await getOrder({ ctx: t.staffCtx, input: { id: orderId } });
  const [tr] = await tx.select().from(transfers).where(eq(transfers.orderId, orderId));
  if (row.cancel === "cancelled" || row.cancel === "already") expect(order.status).toBe("CANCELED");
  else expect(order.status).toBe(row.status);
  if (row.cancel === "requested") {
    expect(tr).toMatchObject({ cancelState: "pending" });
    expect(order.cancellation).toEqual({ state: "pending", message: null });
    expect(order.canCancel).toBe(false);
  } else if (tr) {
    expect(tr.cancelState).toBe("none");
  }
}

describe("cancel and edit rules", () => {
  it.each(CANCEL_RULES.filter((r) => r.actor === "client"))("XML cancelorder and editorder: $rule", (row) =>
    withTestTransaction(async (tx) => {
      const { t, o } = await cancelSetup(tx, row);
      const auth = `<auth extra="${t.company.extraCode}" login="${t.client.login}" pass="shop"/>`;
      const receiver = `<person>Петров</person><phone>+7 900 000-00-00</phone><town>Москва</town><address>ул. Мира, 2</address>`;
      const edit = `<order orderno="${o.number}"><receiver>${receiver}</receiver><weight>1</weight></order>`;
      const edited = await xmlCall(tx, `<editorder>${auth}${edit}</editorder>`);
      expect(edited.doc.editorder.createorder[0].error).toBe(row.edit ? "0" : "53");
      const { doc } = await xmlCall(tx, `<cancelorder>${auth}<order ordercode="${o.id}"/></cancelorder>`);
      expect(doc.cancelorder.order[0].error).toBe(row.cancel === "refused" ? "53" : "0");
      if (row.cancel === "requested") expect(doc.cancelorder.order[0].errormsgru).toMatch(/партнёру/);
      await expectCancelled(tx, t, o.id, row);
    }),
  );

  it.each(CANCEL_RULES)("tRPC orders.get, orders.update and orders.cancel: $rule", (row) =>
    withTestTransaction(async (tx) => {
      const { t, o } = await cancelSetup(tx, row);
      const caller = createCaller({ db: tx, actor: row.actor === "client" ? t.clientCtx.actor : t.staffCtx.actor });
      const card = await caller.orders.get({ id: o.id });
      expect(card.canEdit).toBe(row.edit);
      expect(card.editBlockedReason === null).toBe(row.edit);
      expect(card.canCancel).toBe(row.cancel === "cancelled" || row.cancel === "requested");
      if (!card.canCancel) expect(card.cancelBlockedReason).toMatch(/отмен|финальн|работе/);

      const update = await tx
        .transaction(() => caller.orders.update({ id: o.id, ...sampleOrder({ number: o.number }) } as never))
        .catch((e: unknown) => e);
      if (row.edit) expect(update).toMatchObject({ id: o.id, number: o.number });
      else expect(update).toMatchObject({ code: "CONFLICT", message: card.editBlockedReason });

      const res = await tx.transaction(() => caller.orders.cancel({ id: o.id })).catch((e: unknown) => e);
      if (row.cancel === "refused") expect(res).toMatchObject({ code: "CONFLICT", message: card.cancelBlockedReason });
      else expect(res).toMatchObject({ id: o.id, outcome: row.cancel });
      await expectCancelled(tx, t, o.id, row);
    }),
  );
});

// ─── The worker path: a real partner deployment over loopback ──────────────────────────────────────────────────────

describe("the worker applies partner statuses and cancellations through the same rules", () => {
  let p: SyncPair & { dispose(): Promise<void> };
  beforeAll(async () => {
    p = await createIsolatedSyncPair();
  });
  afterAll(() => p?.dispose());

  async function ship(n: number) {
    const created = await createOrders(p.a.db, p.companyA.id, p.shopA.id, n);
    const m = await createManifest({ ctx: p.ctxA, input: { responsibleBranchId: p.branchA.id } });
    await addOrdersToManifest({ ctx: p.ctxA, input: { manifestId: m.id, orderIds: created.map((o) => o.id) } });
    await markManifestAssembled({ ctx: p.ctxA, input: { id: m.id } });
    await setManifestSendDate({ ctx: p.ctxA, input: { id: m.id, sendDate: today() } });
    await runTransfers(p.a.db, p.integrationId);
    const atB = await p.b.db
      .select({ id: orders.id, number: orders.number })
      .from(orders)
      .where(eq(orders.companyId, p.companyB.id));
    return created.map((o) => ({ a: o.id, b: atB.find((x) => x.number === o.number)!.id }));
  }

  it("every status rule, in one poll of the partner's change feed", async () => {
    const shipped = await ship(STATUS_RULES.length);
    for (const [i, row] of STATUS_RULES.entries()) {
      await p.a.db.transaction((tx) => setStatus(tx, p.companyA.id, shipped[i]!.a, row.current));
      // The partner's own order moves to the reported status, with its courier's comment.
      await p.b.db.transaction((tx) =>
        appendStatus(
          tx,
          { id: shipped[i]!.b, companyId: p.companyB.id },
          row.incoming,
          "cabinet",
          new Date(),
          `Комментарий ${i}`,
        ),
      );
    }
    const polled = await pollPartnerStatuses(p.a.db, p.integrationId);
    expect(polled.applied).toBe(STATUS_RULES.length);
    for (const [i, row] of STATUS_RULES.entries()) {
      const card = await getOrder({ ctx: p.ctxA, input: { id: shipped[i]!.a } });
      expect(card.status, row.rule).toBe(row.partner === "replaced" ? row.incoming : row.current);
      expect(card.history.at(-1), row.rule).toMatchObject({
        status: row.incoming,
        source: "agent",
        comment: expect.stringContaining(`Комментарий ${i}`),
      });
    }
  });

  it("a cancellation requested through tRPC is sent by the worker and recorded when the partner confirms", async () => {
    const [o] = await ship(1);
    const caller = createCaller({ db: p.a.db, actor: p.ctxA.actor });
    expect(await caller.orders.cancel({ id: o!.a })).toMatchObject({ outcome: "requested" });
    expect(await runCancels(p.a.db, p.integrationId)).toBe(1);
    const card = await caller.orders.get({ id: o!.a });
    expect(card.status).toBe("CANCELED");
    expect(card.history.at(-1)).toMatchObject({ status: "CANCELED", source: "system", comment: "Отменён у партнёра" });
    expect(card.cancellation).toMatchObject({ state: "done" });
    const [atB] = await p.b.db
      .select({ status: orders.status })
      .from(orders)
      .where(and(eq(orders.companyId, p.companyB.id), eq(orders.id, o!.b)));
    expect(atB!.status).toBe("CANCELED");
  });
});
