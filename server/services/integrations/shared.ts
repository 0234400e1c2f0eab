import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { branches, clients, integrationAudit, integrations, staffUsers } from "@/db/schema";
import type { Actor } from "../context";
import { NotFoundError } from "../errors";
import type { AuditAction } from "./schemas";

export async function findBranch(db: Queryable, companyId: number, branchId: number, lock = false) {
  const q = db
    .select({ id: branches.id, code: branches.code, name: branches.name, town: branches.town })
    .from(branches)
    .where(and(eq(branches.companyId, companyId), eq(branches.id, branchId)));
  const [b] = lock ? await q.for("update") : await q;
  if (!b) throw new NotFoundError("Филиал");
  return b;
}

export async function findIntegration(db: Queryable, companyId: number, branchId: number, lock = false) {
  const q = db
    .select()
    .from(integrations)
    .where(and(eq(integrations.companyId, companyId), eq(integrations.branchId, branchId)));
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

export async function requireIntegration(db: Queryable, companyId: number, branchId: number, lock = false) {
  await findBranch(db, companyId, branchId);
  const row = await findIntegration(db, companyId, branchId, lock);
  if (!row) throw new NotFoundError("Интеграция филиала");
  return row;
}

/** Who to name in the audit log: the staff member's name, the client (its own shop app), or the worker's job. */
export async function actorLabel(db: Queryable, actor: Actor): Promise<{ userId: number | null; name: string }> {
  if (actor.type === "system") return { userId: null, name: `Система (${actor.job})` };
  if (actor.type === "client") {
    const [c] = await db
      .select({ name: clients.name })
      .from(clients)
      .where(and(eq(clients.companyId, actor.companyId), eq(clients.id, actor.clientId)));
    return { userId: null, name: `Клиент «${c?.name ?? `#${actor.clientId}`}»` };
  }
  const [u] = await db
    .select({ name: staffUsers.name, login: staffUsers.login })
    .from(staffUsers)
    .where(and(eq(staffUsers.companyId, actor.companyId), eq(staffUsers.id, actor.userId)));
  return { userId: actor.userId, name: u ? `${u.name} (${u.login})` : `Сотрудник #${actor.userId}` };
}

export async function writeAudit(
  db: Queryable,
  actor: Actor,
  entry: {
    branchId?: number | null;
    clientId?: number | null;
    integrationId: number | null;
    integrator: string;
    action: AuditAction;
    fields?: string[];
    detail?: string | null;
  },
) {
  const who = await actorLabel(db, actor);
  await db.insert(integrationAudit).values({
    companyId: actor.companyId,
    branchId: entry.branchId ?? null,
    clientId: entry.clientId ?? null,
    integrationId: entry.integrationId,
    integrator: entry.integrator,
    actorUserId: who.userId,
    actorName: who.name,
    action: entry.action,
    fields: entry.fields ?? [],
    detail: entry.detail ?? null,
  });
}
