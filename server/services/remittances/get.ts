import { and, eq, sql } from "drizzle-orm";
import { branches, clients, integrations, remittanceLines, remittances, staffUsers } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { remittanceIdSchema } from "./schemas";

/** One remittance document with its figures; its lines are paged by `listRemittanceLines`. */
export async function getRemittance({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = remittanceIdSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const [row] = await ctx.db
    .select({
      doc: remittances,
      ownerKind: integrations.ownerKind,
      branchName: branches.name,
      clientName: clients.name,
      createdByName: staffUsers.name,
    })
    .from(remittances)
    .leftJoin(integrations, and(eq(integrations.id, remittances.integrationId), eq(integrations.companyId, companyId)))
    .leftJoin(branches, eq(branches.id, integrations.branchId))
    .leftJoin(clients, eq(clients.id, integrations.clientId))
    .leftJoin(staffUsers, eq(staffUsers.id, remittances.createdBy))
    .where(and(eq(remittances.companyId, companyId), eq(remittances.id, id)));
  if (!row) throw new NotFoundError("Документ");
  const [counts] = await ctx.db
    .select({
      matched:
        sql<number>`count(*) filter (where ${remittanceLines.orderId} is not null and ${remittanceLines.problem} is null)`.mapWith(
          Number,
        ),
      mismatch:
        sql<number>`count(*) filter (where ${remittanceLines.orderId} is not null and ${remittanceLines.problem} is not null)`.mapWith(
          Number,
        ),
      unknown: sql<number>`count(*) filter (where ${remittanceLines.orderId} is null)`.mapWith(Number),
    })
    .from(remittanceLines)
    .where(and(eq(remittanceLines.companyId, companyId), eq(remittanceLines.remittanceId, id)));
  return {
    ...row.doc,
    integrationLabel: integrationLabel(row),
    createdByName: row.createdByName,
    counts: { matched: counts!.matched, mismatch: counts!.mismatch, unknown: counts!.unknown },
  };
}

/** How the cabinet names an integration: by its owner (a branch, a client or the company). */
export function integrationLabel(r: {
  ownerKind: string | null;
  branchName: string | null;
  clientName: string | null;
}): string | null {
  if (r.ownerKind === "branch") return `Филиал «${r.branchName ?? "—"}»`;
  if (r.ownerKind === "client") return `Клиент «${r.clientName ?? "—"}»`;
  if (r.ownerKind === "company") return "Компания";
  return null;
}
