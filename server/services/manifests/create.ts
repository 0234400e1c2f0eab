import { and, count, eq, sql } from "drizzle-orm";
import { manifests } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { createManifestSchema } from "./schemas";
import { assertBranch } from "./shared";

export async function createManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = createManifestSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    await assertBranch(tx, companyId, data.responsibleBranchId, "responsibleBranchId");
    await assertBranch(tx, companyId, data.creatingBranchId, "creatingBranchId");
    let number = data.number;
    if (!number) {
      // Serialises number generation per company so two operators creating manifests at once get different numbers.
      await tx.execute(sql`select pg_advisory_xact_lock(7001, ${companyId})`);
      const [{ n } = { n: 0 }] = await tx
        .select({ n: count() })
        .from(manifests)
        .where(eq(manifests.companyId, companyId));
      for (let probe = n + 1; ; probe++) {
        number = `М-${String(probe).padStart(5, "0")}`;
        const [taken] = await tx
          .select({ id: manifests.id })
          .from(manifests)
          .where(and(eq(manifests.companyId, companyId), eq(manifests.number, number)));
        if (!taken) break;
      }
    }
    try {
      const [m] = await tx
        .insert(manifests)
        .values({
          companyId,
          number,
          creatingBranchId: data.creatingBranchId ?? null,
          responsibleBranchId: data.responsibleBranchId,
          comment: data.comment ?? null,
        })
        .returning({ id: manifests.id, number: manifests.number });
      return m!;
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ConflictError("Манифест с таким номером уже есть", { number: ["Манифест с таким номером уже есть"] });
      throw e;
    }
  });
}
