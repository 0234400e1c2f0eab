import { asc, eq } from "drizzle-orm";
import { branches } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";

export async function listBranches({ ctx }: ServiceCall<unknown>) {
  assertStaff(ctx);
  return ctx.db.select().from(branches).where(eq(branches.companyId, ctx.actor.companyId)).orderBy(asc(branches.name));
}
