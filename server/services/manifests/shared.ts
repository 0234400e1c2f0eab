import { and, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Queryable } from "@/db/client";
import { branches, manifests } from "@/db/schema";
import { NotFoundError } from "../errors";

export const creatingBranch = alias(branches, "creating_branch");

export const responsibleBranch = alias(branches, "responsible_branch");

export async function assertBranch(db: Queryable, companyId: number, id: number | undefined, field: string) {
  if (id === undefined) return;
  const [b] = await db
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.companyId, companyId), eq(branches.id, id)));
  if (!b) throw new NotFoundError("Филиал", field);
}

export async function lockManifest(db: Queryable, companyId: number, id: number) {
  const [m] = await db
    .select()
    .from(manifests)
    .where(and(eq(manifests.companyId, companyId), eq(manifests.id, id)))
    .for("update");
  if (!m) throw new NotFoundError("Манифест");
  return m;
}
