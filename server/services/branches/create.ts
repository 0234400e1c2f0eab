import { branches } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { isUniqueViolation } from "../pg-errors";
import { branchFieldsSchema } from "./schemas";
import { codeTaken } from "./shared";

export async function createBranch({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = branchFieldsSchema.parse(input);
  try {
    // Own transaction (a savepoint when nested) so a duplicate code does not abort the caller's transaction.
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(branches)
        .values({ ...data, companyId: ctx.actor.companyId })
        .returning();
      return row!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw codeTaken();
    throw e;
  }
}
