import { and, eq } from "drizzle-orm";
import { manifests, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError } from "../errors";
import { printPlan, skipText } from "../exchange/print";
import { manifestIdSchema } from "./schemas";
import { creatingBranch, responsibleBranch } from "./shared";

export async function getManifest({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id } = manifestIdSchema.parse(input);
  const [row] = await ctx.db
    .select({
      manifest: manifests,
      creatingBranchName: creatingBranch.name,
      responsibleBranchName: responsibleBranch.name,
    })
    .from(manifests)
    .leftJoin(creatingBranch, eq(creatingBranch.id, manifests.creatingBranchId))
    .innerJoin(responsibleBranch, eq(responsibleBranch.id, manifests.responsibleBranchId))
    .where(and(eq(manifests.companyId, ctx.actor.companyId), eq(manifests.id, id)));
  if (!row) throw new NotFoundError("Манифест");
  const [manifestOrders, print] = await Promise.all([
    ctx.db
      .select({
        id: orders.id,
        number: orders.number,
        status: orders.status,
        receiverPerson: orders.receiverPerson,
        receiverTown: orders.receiverTown,
        weight: orders.weight,
        quantity: orders.quantity,
      })
      .from(orders)
      .where(and(eq(orders.companyId, ctx.actor.companyId), eq(orders.manifestId, id)))
      .orderBy(orders.id),
    printPlan(ctx.db, ctx.actor.companyId, { manifestId: id }),
  ]);
  return {
    ...row.manifest,
    creatingBranchName: row.creatingBranchName,
    responsibleBranchName: row.responsibleBranchName,
    orders: manifestOrders,
    // Partner forms of the orders the partner holds (/api/print), in parts of 100; the others are listed with why.
    printable: print.printable,
    printParts: print.printable ? print.parts.length : 0,
    // The card names the first few; a big manifest's full list would only weigh down every refresh.
    printSkipped: print.printable
      ? print.skipped.slice(0, 10).map((s) => ({ number: s.number, reason: skipText(s) }))
      : [],
    printSkippedCount: print.printable ? print.skipped.length : 0,
  };
}
