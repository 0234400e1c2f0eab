import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { clients, integrations, transfers } from "@/db/schema";
import { createBranch, createClient, createOrders, createTenant } from "@/db/test/factories";
import { pushPayments } from "@/server/services/exchange/payments";
import { setOrderStatus } from "@/server/services/orders/set-status";
import { generatePimPayKeyPair, savePimPay } from "@/server/services/payments/pimpay";
import { applyRemittance } from "@/server/services/remittances";
import type { PimPayStandIn } from "@/server/stand-ins/pimpay/server";

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

/** PimPay knows this shop (valid INN checksum). */
export const SHOP_INN = "7707083893";

let tokens = 0;
const code = () => String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));

/** A company with PimPay set up as in the adapter's test: keys made here, the public key registered at the stand-in. */
export async function connected(db: Database, standIn: PimPayStandIn) {
  const t = await createTenant(db);
  const token = `token-rep-${++tokens}-${Date.now()}`;
  const { publicKey } = await generatePimPayKeyPair({ ctx: t.staffCtx, input: undefined });
  standIn.registerToken(token, publicKey);
  await savePimPay({ ctx: t.staffCtx, input: { token, companyCode: "kurier_hub", apiUrl: standIn.endpoint } });
  const [row] = await db.select().from(integrations).where(eq(integrations.companyId, t.company.id));
  return { t, token, integrationId: row!.id };
}

/**
 * One PimPay client with four COD orders, all sent to PimPay: «own» (carried by us, 1500 COD, 300 delivery),
 * «cdekPaid» (handed to CDEK, its registry says 1000 collected), «cdekUnpaid» (handed to CDEK, no registry yet), all
 * three delivered today; «onTheWay» (500 COD, not delivered). Plus a second client without PimPay, one delivered order.
 */
export async function scene(db: Database, standIn: PimPayStandIn) {
  const c = await connected(db, standIn);
  const { t } = c;
  standIn.createClient({ tin: SHOP_INN, token: c.token });
  await db.update(clients).set({ inn: SHOP_INN, paymentIntermediary: "pimpay" }).where(eq(clients.id, t.client.id));
  const [own] = await createOrders(db, t.company.id, t.client.id, 1, { codAmount: 1500, deliveryPrice: 300 });
  const [cdekPaid, cdekUnpaid] = await createOrders(db, t.company.id, t.client.id, 2, {
    codAmount: 1000,
    deliveryPrice: 250,
  });
  const [onTheWay] = await createOrders(db, t.company.id, t.client.id, 1, { codAmount: 500, deliveryPrice: 200 });
  const plain = await createClient(db, t.company.id, { name: "Без PimPay" });
  const [plainOrder] = await createOrders(db, t.company.id, plain.id, 1, { codAmount: 700, deliveryPrice: 100 });

  // Handed to CDEK the way the exchange leaves them: a sent transfer with CDEK's own number.
  const branch = await createBranch(db, t.company.id);
  const [cdek] = await db
    .insert(integrations)
    .values({ companyId: t.company.id, branchId: branch.id, integrator: "cdek", settings: {}, enabled: true })
    .returning({ id: integrations.id });
  const codes = [code(), code()];
  await db.insert(transfers).values(
    [cdekPaid!, cdekUnpaid!].map((o, i) => ({
      companyId: t.company.id,
      orderId: o.id,
      integrationId: cdek!.id,
      state: "sent" as const,
      partnerNumber: o.number,
      partnerOrderCode: codes[i]!,
      sentAt: new Date(),
    })),
  );
  for (const o of [own!, cdekPaid!, cdekUnpaid!, plainOrder!])
    await setOrderStatus({ ctx: t.staffCtx, input: { id: o.id, status: "COMPLETE" } });

  // CDEK's COD registry for one of them, loaded the way a user uploads it.
  const csv = [
    "registry_number;payment_date;payment_order_number;cdek_number;payment_sum;transfer_sum;total_sum_without_agent;agent_commission_sum",
    `R-77;30.11.2026;PP-9;${codes[0]};1000;970;20;10`,
  ].join("\n");
  await applyRemittance({
    ctx: t.staffCtx,
    input: {
      integrationId: cdek!.id,
      source: { kind: "file", fileName: "registry.csv", contentBase64: Buffer.from(csv).toString("base64") },
    },
  });
  const pushed = await pushPayments(db, c.integrationId);
  return {
    ...c,
    plain,
    own: own!,
    cdekPaid: cdekPaid!,
    cdekUnpaid: cdekUnpaid!,
    onTheWay: onTheWay!,
    plainOrder: plainOrder!,
    cdekIntegrationId: cdek!.id,
    pushed,
  };
}
