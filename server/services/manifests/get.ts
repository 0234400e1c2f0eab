import { and, desc, eq } from "drizzle-orm";
import { manifests, orders, transfers } from "@/db/schema";
import { partnerMessage } from "@/server/integrators/messages";
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
        // The hand-over to the partner, so an order held before sending (a partner's rule) shows here with why.
        transferState: transfers.state,
        transferError: transfers.lastError,
      })
      .from(orders)
      .leftJoin(transfers, and(eq(transfers.orderId, orders.id), eq(transfers.companyId, ctx.actor.companyId)))
      .where(and(eq(orders.companyId, ctx.actor.companyId), eq(orders.manifestId, id)))
      .orderBy(orders.id, desc(transfers.id)),
    printPlan(ctx.db, ctx.actor.companyId, { manifestId: id }),
  ]);
  return {
    ...row.manifest,
    creatingBranchName: row.creatingBranchName,
    responsibleBranchName: row.responsibleBranchName,
    // An order handed to two partners over time shows its latest hand-over.
    orders: manifestOrders
      .filter((o, i) => i === 0 || manifestOrders[i - 1]!.id !== o.id)
      .map((o) => ({ ...o, transferError: o.transferError === null ? null : partnerMessage(o.transferError) })),
    // Partner forms of the orders the partner holds (/api/print), in parts of 100; the others are listed with why.
    printable: print.printable,
    printParts: print.printable ? print.parts.length : 0,
    printForms: print.forms,
    // The card names the first few; a big manifest's full list would only weigh down every refresh.
    printSkipped: print.printable
      ? print.skipped.slice(0, 10).map((s) => ({ number: s.number, reason: skipText(s) }))
      : [],
    printSkippedCount: print.printable ? print.skipped.length : 0,
  };
}
