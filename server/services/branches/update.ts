import { and, eq } from "drizzle-orm";
import { branches } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { updateBranchSchema } from "./schemas";
import { codeTaken } from "./shared";

export async function updateBranch({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id, ...data } = updateBranchSchema.parse(input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const rows = await tx
        .update(branches)
        .set(data)
        .where(and(eq(branches.companyId, ctx.actor.companyId), eq(branches.id, id)))
        .returning();
      if (rows.length === 0) throw new NotFoundError("Филиал");
      return rows[0]!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw codeTaken();
    throw e;
  }
}
