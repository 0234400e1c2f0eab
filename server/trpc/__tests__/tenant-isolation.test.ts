import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "@/db/client";
import { deliveryServices, integrations, remittances, tariffs, tariffZones } from "@/db/schema";
import { createBranch, createOrders, createStaff, createTenant, sampleOrder, today } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { authenticate } from "@/server/services/auth/authenticate";
import { saveIntegration } from "@/server/services/integrations";
import { createManifest } from "@/server/services/manifests";
import { type BulkResult, NOT_FOUND_REASON } from "@/server/services/bulk/schemas";
import { uploadImport } from "@/server/services/orders/import";
import { chunked, sampleCsv } from "@/server/services/orders/import/sample-file";
import { appRouter, createCaller } from "../root";

const TENANT_TABLES = [
  "clients",
  "branches",
  "manifests",
  "orders",
  "order_items",
  "order_packages",
  "order_status_history",
  "staff_users",
  "integrations",
  "integration_audit",
  "transfers",
  "sync_log",
  "security_events",
  "remittances",
  "remittance_lines",
  "services",
  "tariffs",
  "tariff_zones",
  "api_settings",
  "company_audit",
];

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

/** A fingerprint of everything one company owns, to prove a refused call changed nothing. */
async function fingerprint(tx: Transaction, companyId: number) {
  const parts: string[] = [];
  for (const table of TENANT_TABLES) {
    const rows = await tx.execute<{ h: string | null }>(
      sql.raw(
        `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${table} t where company_id = ${companyId}`,
      ),
    );
    parts.push(`${table}:${rows[0]?.h}`);
  }
  return parts.join("\n");
}

async function twoTenants(tx: Transaction) {
  const attacker = await createTenant(tx);
  const victim = await createTenant(tx);
  const [order] = await createOrders(tx, victim.company.id, victim.client.id, 1);
  const manifest = await createManifest({ ctx: victim.staffCtx, input: { responsibleBranchId: victim.branch.id } });
  await saveIntegration({
    ctx: victim.staffCtx,
    input: {
      branchId: victim.branch.id,
      integrator: "measoft",
      values: { login: "l", password: "p", extra: "202", apiUrl: "http://127.0.0.1:9/api/" },
    },
  });
  // A CDEK integration and an incoming remittance document of the victim's: ids an attacker may try.
  const cdekBranch = await createBranch(tx, victim.company.id);
  const cdek = await saveIntegration({
    ctx: victim.staffCtx,
    input: {
      branchId: cdekBranch.id,
      integrator: "cdek",
      values: { account: "a", securePassword: "s", tariffCode: 136, shipmentPoint: "MSK1" },
    },
  });
  const [remittance] = await tx
    .insert(remittances)
    .values({
      companyId: victim.company.id,
      integrationId: cdek.id,
      integrator: "cdek",
      number: "R-1",
      total: "0",
      codTotal: "0",
      transferTotal: "0",
      commissionTotal: "0",
      lineCount: 0,
      problemCount: 0,
      source: "file",
    })
    .returning();
  // A shop app of the victim's client.
  const [shopApp] = await tx
    .insert(integrations)
    .values({
      companyId: victim.company.id,
      ownerKind: "client",
      clientId: victim.client.id,
      integrator: "insales",
      settings: { shop: "victim.myinsales.ru" },
    })
    .returning();
  return {
    attacker,
    victim,
    order: order!,
    manifest,
    cdekIntegrationId: cdek.id,
    remittance: remittance!,
    shopAppId: shopApp!.id,
  };
}

type Fixture = Awaited<ReturnType<typeof twoTenants>>;
type Caller = ReturnType<typeof createCaller>;

/**
 * Bulk actions never fail a batch for one order: a foreign id comes back refused as «не найден». Here that answer
 * (nothing done, every id refused so) counts as the NOT_FOUND the other procedures throw.
 */
async function refusedAsNotFound(result: Promise<BulkResult>, ids: number[]) {
  const r = await result;
  const allNotFound =
    r.done === 0 &&
    r.refused.length === ids.length &&
    r.refused.every((x) => ids.includes(x.orderId) && x.number === null && x.reason === NOT_FOUND_REASON);
  if (allNotFound) throw Object.assign(new Error("refused as not found"), { code: "NOT_FOUND" });
  return r;
}

/** An order import of the victim's (3 checked rows), made inside the attack: its id is what the attacker tries. */
function victimImport(f: Fixture) {
  return uploadImport({
    ctx: f.victim.staffCtx,
    input: { clientId: f.victim.client.id, fileName: "v.csv", body: chunked(sampleCsv({ rows: 3, badEvery: 0 })) },
  });
}

/** A price row and a zone of the victim's, made inside the attack (the savepoint's rollback removes them). */
async function victimTariffAndZone(f: Fixture) {
  const db = f.victim.staffCtx.db;
  const companyId = f.victim.company.id;
  await db.insert(deliveryServices).values({ companyId, code: 1, name: "Стандарт" }).onConflictDoNothing();
  const [t] = await db.insert(tariffs).values({ companyId, serviceCode: 1, price: "300" }).returning();
  const [z] = await db.insert(tariffZones).values({ companyId, townTo: "Москва", zone: 1 }).returning();
  return { tariffId: t!.id, zoneId: z!.id };
}

// Every procedure that takes an id of something a company owns, called with the other company's id.
const attacks: Record<string, (c: Caller, f: Fixture) => Promise<unknown>> = {
  "orders.get": (c, f) => c.orders.get({ id: f.order.id }),
  "orders.update": (c, f) => c.orders.update({ id: f.order.id, ...sampleOrder() } as never),
  "orders.setStatus": (c, f) => c.orders.setStatus({ id: f.order.id, status: "LOST" }),
  "orders.cancel": (c, f) => c.orders.cancel({ id: f.order.id }),
  "orders.create": (c, f) => c.orders.create({ clientId: f.victim.client.id, ...sampleOrder() } as never),
  "bulk.cancel": (c, f) => refusedAsNotFound(c.bulk.cancel({ ids: [f.order.id] }), [f.order.id]),
  "bulk.setStatus": (c, f) =>
    refusedAsNotFound(c.bulk.setStatus({ ids: [f.order.id], status: "DELIVERY" }), [f.order.id]),
  "bulk.addToManifest": (c, f) => c.bulk.addToManifest({ manifestId: f.manifest.id, filter: {} }),
  "bulk.addToManifest(own manifest, foreign order)": async (c, f) => {
    const own = await c.manifests.create({ responsibleBranchId: f.attacker.branch.id });
    return refusedAsNotFound(c.bulk.addToManifest({ manifestId: own.id, ids: [f.order.id] }), [f.order.id]);
  },
  "manifests.get": (c, f) => c.manifests.get({ id: f.manifest.id }),
  "manifests.create": (c, f) => c.manifests.create({ responsibleBranchId: f.victim.branch.id }),
  "manifests.addOrders": (c, f) => c.manifests.addOrders({ manifestId: f.manifest.id, orderIds: [f.order.id] }),
  "manifests.addOrders(own manifest, foreign order)": async (c, f) => {
    const own = await c.manifests.create({ responsibleBranchId: f.attacker.branch.id });
    return c.manifests.addOrders({ manifestId: own.id, orderIds: [f.order.id] });
  },
  "manifests.removeOrder": (c, f) => c.manifests.removeOrder({ manifestId: f.manifest.id, orderId: f.order.id }),
  "manifests.markAssembled": (c, f) => c.manifests.markAssembled({ id: f.manifest.id }),
  "manifests.setSendDate": (c, f) => c.manifests.setSendDate({ id: f.manifest.id, sendDate: today() }),
  "sync.order": (c, f) => c.sync.order({ orderId: f.order.id }),
  "sync.retry": (c, f) => c.sync.retry({ orderId: f.order.id }),
  "clients.get": (c, f) => c.clients.get({ id: f.victim.client.id }),
  "clients.update": (c, f) => c.clients.update({ id: f.victim.client.id, name: "Захвачен" } as never),
  "branches.update": (c, f) => c.branches.update({ id: f.victim.branch.id, code: "X", name: "X", town: "X" }),
  "branches.delete": (c, f) => c.branches.delete({ id: f.victim.branch.id }),
  "integrations.get": (c, f) => c.integrations.get({ branchId: f.victim.branch.id }),
  "integrations.audit": (c, f) => c.integrations.audit({ branchId: f.victim.branch.id }),
  "integrations.save": (c, f) =>
    c.integrations.save({
      branchId: f.victim.branch.id,
      integrator: "measoft",
      replace: true,
      values: { login: "x", password: "x", extra: "1" },
    }),
  "integrations.setEnabled": (c, f) => c.integrations.setEnabled({ branchId: f.victim.branch.id, enabled: false }),
  "integrations.check": (c, f) => c.integrations.check({ branchId: f.victim.branch.id }),
  "remittances.get": (c, f) => c.remittances.get({ id: f.remittance.id }),
  "remittances.lines": (c, f) => c.remittances.lines({ id: f.remittance.id }),
  "remittances.preview": (c, f) =>
    c.remittances.preview({ integrationId: f.cdekIntegrationId, source: { kind: "partner", date: today() } }),
  "shopApps.setEnabled": (c, f) => c.shopApps.setEnabled({ id: f.shopAppId, enabled: false }),
  "shopApps.importErrors": (c, f) => c.shopApps.importErrors({ id: f.shopAppId }),
  "shopApps.retryImport": (c, f) => c.shopApps.retryImport({ id: f.shopAppId }),
  "shopApps.linkDemo": (c, f) => c.shopApps.linkDemo({ clientId: f.victim.client.id }),
  "pimpay.clientState": (c, f) => c.pimpay.clientState({ clientId: f.victim.client.id }),
  "pimpay.registerClient": (c, f) =>
    c.pimpay.registerClient({
      clientId: f.victim.client.id,
      legalEntityName: "ООО «Чужой»",
      shopName: "Чужой",
      email: "x@example.ru",
      mobile: "+79001234567",
    }),
  "shopApps.automation": (c, f) => c.shopApps.automation({ id: f.shopAppId }),
  "shopApps.saveAutomation": (c, f) => c.shopApps.saveAutomation({ id: f.shopAppId, values: { prefix: "X-" } }),
  "remittances.post": (c, f) =>
    c.remittances.post({ integrationId: f.cdekIntegrationId, source: { kind: "partner", date: today() } }),
  "pimpayReports.codView": (c, f) =>
    c.pimpayReports.codView({ clientId: f.victim.client.id, from: today(-30), to: today() }),
  "pimpayReports.verifications": (c, f) => c.pimpayReports.verifications({ clientId: f.victim.client.id }),
  "pimpayReports.previewVerification": (c, f) =>
    c.pimpayReports.previewVerification({
      clientId: f.victim.client.id,
      from: today(-30),
      to: today(),
      paymentOrder: { number: "1", date: today(), sum: 0 },
    }),
  "pimpayReports.previewVerification(own client, foreign order)": (c, f) =>
    c.pimpayReports.previewVerification({
      clientId: f.attacker.client.id,
      orderIds: [f.order.id],
      paymentOrder: { number: "1", date: today(), sum: 0 },
    }),
  "pimpayReports.sendVerification": (c, f) =>
    c.pimpayReports.sendVerification({
      clientId: f.victim.client.id,
      from: today(-30),
      to: today(),
      paymentOrder: { number: "1", date: today(), sum: 0 },
    }),
  // A reconciliation of the victim's, made here (the fixture has none): its id asked about by the attacker.
  "pimpayReports.refreshVerification": async (c, f) => {
    const [v] = await f.victim.staffCtx.db.execute<{ id: number }>(sql`insert into payment_verifications
      (company_id, integration_id, client_id, tin, external_id, payment_order_number, payment_order_date,
       payment_order_sum, rows, status)
      values (${f.victim.company.id}, ${f.cdekIntegrationId}, ${f.victim.client.id}, '7707083893', 'KH-victim', '1',
       ${today()}, 0, '[]'::jsonb, 'pending') returning id`);
    return c.pimpayReports.refreshVerification({ id: v!.id });
  },
  "users.setRole": (c, f) => c.users.setRole({ id: f.victim.staff.id, role: "readonly" }),
  "users.resetPassword": (c, f) => c.users.resetPassword({ id: f.victim.staff.id, password: "захвачен-123" }),
  "users.remove": (c, f) => c.users.remove({ id: f.victim.staff.id }),
  "companySettings.saveTariff": async (c, f) => {
    const { tariffId } = await victimTariffAndZone(f);
    return c.companySettings.saveTariff({
      id: tariffId,
      serviceCode: 1,
      weightFrom: 0,
      price: 1,
      minDays: 1,
      maxDays: 1,
    });
  },
  "companySettings.deleteTariff": async (c, f) =>
    c.companySettings.deleteTariff({ id: (await victimTariffAndZone(f)).tariffId }),
  "companySettings.saveZone": async (c, f) =>
    c.companySettings.saveZone({ id: (await victimTariffAndZone(f)).zoneId, townTo: "Москва", zone: 2 }),
  "companySettings.deleteZone": async (c, f) =>
    c.companySettings.deleteZone({ id: (await victimTariffAndZone(f)).zoneId }),
  "imports.get": async (c, f) => c.imports.get({ id: (await victimImport(f)).id }),
  "imports.rows": async (c, f) => c.imports.rows({ id: (await victimImport(f)).id, status: "invalid" }),
  "imports.setMapping": async (c, f) => {
    const v = await victimImport(f);
    return c.imports.setMapping({ id: v.id, columns: v.columns.map(() => "skip") });
  },
  // Would create the victim's three orders (counted by the fingerprint) were the id not refused.
  "imports.step": async (c, f) => c.imports.step({ id: (await victimImport(f)).id }),
  // The victim's client's login and code, asked for by another company's staff.
  "clientIntegration.values": (c, f) => c.clientIntegration.values({ clientId: f.victim.client.id }),
};

// Procedures that take no foreign id: they only ever read or write the caller's own company.
const scopedByConstruction = [
  "orders.list",
  "bulk.count",
  "bulk.ids",
  "manifests.list",
  "clients.list",
  "clients.create",
  "branches.list",
  "branches.create",
  "integrations.list",
  "security.events",
  "remittances.list",
  "remittances.integrations",
  // A code of an integrator, never an id: only the caller's own company's mapping is read or written.
  "statusMapping.list",
  "statusMapping.save",
  "statusMapping.reset",
  "shopApps.list",
  // The demo shop's order is made at the stand-in for the caller's own company's linked demo app.
  "shopApps.demoOrder",
  // The demo CRM's connection is looked up within the caller's company only.
  "shopApps.retailCrmDemo",
  "shopApps.retailCrmDemoOrder",
  // The company's own PimPay connection: no id, only the caller's company's row.
  "pimpay.get",
  "pimpay.save",
  "pimpay.generateKeys",
  "pimpay.check",
  "pimpay.log",
  "pimpay.connectDemo",
  // Staff users and company settings: the caller's own company's rows; ids of users, tariffs and zones are attacked
  // above, services are keyed by their code within the caller's company, requisites are the caller's company row.
  "users.list",
  "users.create",
  "users.changeOwnPassword",
  "companySettings.get",
  "companySettings.saveRequisites",
  "companySettings.saveApi",
  "companySettings.saveService",
  "companySettings.deleteService",
  "companySettings.tariffs",
  "companySettings.zones",
  "companySettings.audit",
  // The caller's own company's imports (a client account's own); each import's id goes through the attacks above.
  "imports.list",
  // The caller's own company's figures: no id is taken.
  "dashboard.figures",
  // A client account's own password: no id is taken (staff are refused).
  "clientIntegration.changePassword",
];

/** Mutations of the caller's own account, which a read-only user may still make (users.test.ts runs it). */
const READ_ONLY_ALLOWED = ["users.changeOwnPassword"];

describe("tenant isolation", () => {
  it("covers every procedure of the router", () => {
    const all = Object.keys(appRouter._def.procedures).sort();
    const covered = new Set([
      ...Object.keys(attacks).map((k) => k.replace(/\(.*\)$/, "").trim()),
      ...scopedByConstruction,
    ]);
    expect(all.filter((p) => !covered.has(p))).toEqual([]);
  });

  for (const [name, attack] of Object.entries(attacks)) {
    it(`${name}: another company's id is NOT_FOUND and changes nothing`, () =>
      withTestTransaction(async (tx) => {
        const f = await twoTenants(tx);
        const before = await fingerprint(tx, f.victim.company.id);
        const err = await tx
          .transaction((sp) => attack(createCaller({ db: sp, actor: f.attacker.staffCtx.actor }), f))
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "NOT_FOUND" });
        expect(await fingerprint(tx, f.victim.company.id)).toBe(before);
      }));
  }

  it("lists show only the caller's own company", () =>
    withTestTransaction(async (tx) => {
      const f = await twoTenants(tx);
      const caller = createCaller({ db: tx, actor: f.attacker.staffCtx.actor });
      expect((await caller.orders.list({})).items).toHaveLength(0);
      expect(await caller.bulk.count({ filter: {} })).toEqual({ count: 0, more: false });
      expect((await caller.bulk.ids({ filter: {} })).ids).toEqual([]);
      expect((await caller.manifests.list({})).items).toHaveLength(0);
      expect((await caller.clients.list({})).map((c) => c.id)).toEqual([f.attacker.client.id]);
      expect((await caller.branches.list()).map((b) => b.id)).toEqual([f.attacker.branch.id]);
      expect((await caller.integrations.list()).items.map((i) => i.branch.id)).toEqual([f.attacker.branch.id]);
      // The victim's sign-in journal has an entry; the attacker's admin sees none of it.
      await authenticate(
        tx,
        { extra: f.victim.company.extraCode, login: f.victim.staff.login, password: "wrong" },
        "192.0.2.1",
      ).catch(() => {});
      expect((await caller.security.events({})).items).toEqual([]);
      expect((await createCaller({ db: tx, actor: f.victim.staffCtx.actor }).security.events({})).items).toHaveLength(
        1,
      );
    }));

  it("a client account cannot reach company-wide procedures", () =>
    withTestTransaction(async (tx) => {
      const f = await twoTenants(tx);
      const caller = createCaller({ db: tx, actor: f.victim.clientCtx.actor });
      await expect(caller.clients.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.manifests.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.integrations.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        caller.integrations.setEnabled({ branchId: f.victim.branch.id, enabled: false }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.orders.setStatus({ id: f.order.id, status: "LOST" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(caller.security.events({})).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.bulk.setStatus({ ids: [f.order.id], status: "LOST" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(caller.bulk.addToManifest({ ids: [f.order.id], manifestId: f.manifest.id })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }));

  // Role variant: a read-only staff user of the victim's own company runs every mutation — through its attack (the
  // victim's ids are this user's own, so an operator would succeed) or with an empty input — and is refused first.
  it("a read-only staff user is FORBIDDEN every mutation and changes nothing; queries still answer", () =>
    withTestTransaction(async (tx) => {
      const f = await twoTenants(tx);
      const ro = await createStaff(tx, f.victim.company.id, { role: "readonly" });
      const actor = {
        type: "staff" as const,
        companyId: f.victim.company.id,
        userId: ro.id,
        role: "readonly" as const,
      };
      const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
      const mutations = Object.keys(procedures).filter((p) => procedures[p]!._def.type === "mutation");
      expect(mutations.length).toBeGreaterThan(30);
      const before = await fingerprint(tx, f.victim.company.id);
      for (const name of mutations.filter((m) => !READ_ONLY_ALLOWED.includes(m))) {
        const attack = attacks[name];
        const err = await tx
          .transaction(async (sp) => {
            const caller = createCaller({ db: sp, actor });
            if (attack) return attack(caller, f);
            const [router, proc] = name.split(".") as [string, string];
            const call = (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[
              router
            ]![proc]!;
            return call({});
          })
          .catch((e: unknown) => e);
        expect(err, name).toMatchObject({ code: "FORBIDDEN" });
      }
      expect(await fingerprint(tx, f.victim.company.id)).toBe(before);

      // Reading is what the role is for.
      const caller = createCaller({ db: tx, actor });
      expect((await caller.orders.list({})).items.map((o) => o.id)).toEqual([f.order.id]);
      expect((await caller.orders.get({ id: f.order.id })).id).toBe(f.order.id);
      expect((await caller.clients.list({})).map((c) => c.id)).toEqual([f.victim.client.id]);
      expect((await caller.manifests.list({})).items.map((m) => m.id)).toEqual([f.manifest.id]);
      expect((await caller.branches.list()).length).toBeGreaterThan(0);
      // Admin pages stay the admins': the read-only role is not a back door to them.
      await expect(caller.users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.companySettings.get()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }));

  it("a signed-out caller is UNAUTHORIZED", async () => {
    const caller = createCaller({ db: null as never, actor: null });
    await expect(caller.orders.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("unknown errors never leak SQL text", () =>
    withTestTransaction(async (tx) => {
      const f = await twoTenants(tx);
      // A broken connection-level query: the original error mentions SQL, the caller must not see it.
      const broken = new Proxy(tx, {
        get(target, prop, receiver) {
          if (prop === "select")
            return () => {
              throw new Error('relation "secret_table" does not exist');
            };
          return Reflect.get(target, prop, receiver);
        },
      });
      const err = await createCaller({ db: broken, actor: f.attacker.staffCtx.actor })
        .orders.list({})
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
      expect(String((err as Error).message)).not.toMatch(/secret_table|relation/);
    }));
});
