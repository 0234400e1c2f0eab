import { randomBytes, randomInt } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Queryable } from "../client";
import { branches, clients, companies, staffUsers } from "../schema";
import type { Actor, ServiceContext } from "../../server/services/context";
import { orderDataSchema } from "../../server/services/orders/schemas";
import { insertOrders } from "../../server/services/orders/write";
import {
  addOrdersToManifest,
  createManifest,
  markManifestAssembled,
  setManifestSendDate,
} from "../../server/services/manifests";

const uniq = () => randomBytes(4).toString("hex");
// Fast hash for test fixtures; production uses cost 10.
const hash = (p: string) => bcrypt.hashSync(p, 4);

export async function createCompany(db: Queryable, overrides: Partial<typeof companies.$inferInsert> = {}) {
  // Random over most of int4: test files run side by side in one process on a shared database, so a per-file
  // counter repeats across files; a wide random code practically never does.
  const extraCode = overrides.extraCode ?? 100_000 + randomInt(0, 2_000_000_000);
  const [c] = await db
    .insert(companies)
    .values({ name: `Компания ${uniq()}`, extraCode, ...overrides })
    .returning();
  return c!;
}

export async function createStaff(
  db: Queryable,
  companyId: number,
  overrides: Partial<typeof staffUsers.$inferInsert> & { password?: string } = {},
) {
  const { password = "secret", ...rest } = overrides;
  const [u] = await db
    .insert(staffUsers)
    .values({
      companyId,
      login: `staff_${uniq()}`,
      name: "Оператор",
      role: "admin",
      passwordHash: hash(password),
      ...rest,
    })
    .returning();
  return u!;
}

export async function createClient(
  db: Queryable,
  companyId: number,
  overrides: Partial<typeof clients.$inferInsert> & { password?: string } = {},
) {
  const { password, ...rest } = overrides;
  const [c] = await db
    .insert(clients)
    .values({ companyId, name: `Клиент ${uniq()}`, passwordHash: password ? hash(password) : null, ...rest })
    .returning();
  return c!;
}

export async function createBranch(
  db: Queryable,
  companyId: number,
  overrides: Partial<typeof branches.$inferInsert> = {},
) {
  const [b] = await db
    .insert(branches)
    .values({ companyId, code: `B${uniq()}`, name: "Филиал", town: "Москва", ...overrides })
    .returning();
  return b!;
}

export function sampleOrder(overrides: Record<string, unknown> = {}) {
  return {
    receiver: { person: "Иванов Иван", phone: "+7 900 000-00-00", town: "Москва", address: "ул. Ленина, 1" },
    weight: 1.5,
    codAmount: 1000,
    items: [{ name: "Книга", quantity: 1, mass: 0.5, retailPrice: 1000, vatRate: 20 }],
    ...overrides,
  };
}

export async function createOrders(
  db: Queryable,
  companyId: number,
  clientId: number,
  count: number,
  overrides: Record<string, unknown> = {},
) {
  const requests = Array.from({ length: count }, () => ({
    clientId,
    data: orderDataSchema.parse(sampleOrder(overrides)),
  }));
  const results = await insertOrders(db, companyId, "cabinet", requests);
  return results.map((r) => {
    if (!r.ok) throw new Error(`factory order failed: ${r.reason}`);
    return r;
  });
}

/** A company with one admin, one client and one branch: what most tests start from. */
export async function createTenant(db: Queryable) {
  const company = await createCompany(db);
  const staff = await createStaff(db, company.id);
  const client = await createClient(db, company.id, { login: `shop_${uniq()}`, password: "shop" });
  const branch = await createBranch(db, company.id);
  const staffCtx: ServiceContext = {
    db,
    actor: { type: "staff", companyId: company.id, userId: staff.id, role: "admin" },
  };
  const clientCtx: ServiceContext = { db, actor: { type: "client", companyId: company.id, clientId: client.id } };
  return { company, staff, client, branch, staffCtx, clientCtx };
}

export function ctxFor(db: Queryable, actor: Actor): ServiceContext {
  return { db, actor };
}

/** Today (± days) as YYYY-MM-DD (UTC): send dates must lie within a year of now, so fixtures never hard-code one. */
export const today = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Orders put on a manifest to `branchId`, assembled and given a send date: how their hand-over is queued. */
export async function sendViaManifest(ctx: ServiceContext, branchId: number, orderIds: number[], sendDate = today()) {
  const m = await createManifest({ ctx, input: { responsibleBranchId: branchId } });
  await addOrdersToManifest({ ctx, input: { manifestId: m.id, orderIds } });
  await markManifestAssembled({ ctx, input: { id: m.id } });
  await setManifestSendDate({ ctx, input: { id: m.id, sendDate } });
  return m;
}
