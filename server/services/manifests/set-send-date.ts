import { and, eq } from "drizzle-orm";
import { manifests, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError } from "../errors";
import { queueTransfers } from "../exchange/queue";
import { mayJoinManifest } from "../orders/lifecycle";
import { setSendDateSchema } from "./schemas";
import { lockManifest } from "./shared";

/**
 * Setting the send date hands the bag over: every order in it takes the manifest's responsible branch,
 * which is what transfers to partners hang on.
 */
export async function setManifestSendDate({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = setSendDateSchema.parse(input);
  const companyId = ctx.actor.companyId;
  return ctx.db.transaction(async (tx) => {
    const m = await lockManifest(tx, companyId, data.id);
    if (m.state === "draft") throw new ConflictError("Сначала скомплектуйте манифест");
    await tx
      .update(manifests)
      .set({ state: "sent", sendDate: data.sendDate, updatedAt: new Date() })
      .where(and(eq(manifests.companyId, companyId), eq(manifests.id, m.id)));
    const updated = await tx
      .update(orders)
      .set({ responsibleBranchId: m.responsibleBranchId, updatedAt: new Date() })
      .where(and(eq(orders.companyId, companyId), eq(orders.manifestId, m.id)))
      .returning({ id: orders.id, status: orders.status });
    const orderIds = updated.map((o) => o.id);
    // An order cancelled (or otherwise final) since it was packed stays in the bag but is never handed to a partner.
    const { queued } = await queueTransfers(
      tx,
      companyId,
      updated.filter((o) => mayJoinManifest(o.status)).map((o) => o.id),
    );
    return {
      id: m.id,
      state: "sent" as const,
      sendDate: data.sendDate,
      orderIds,
      responsibleBranchId: m.responsibleBranchId,
      queuedTransfers: queued,
    };
  });
}
