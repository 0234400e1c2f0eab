import { assertAdmin, type ServiceCall } from "../context";
import { ConflictError } from "../errors";
import { callStandIn } from "../shop-apps/demo";
import { generatePimPayKeyPair, getPimPay, savePimPay } from "./pimpay";

/** The PimPay stand-in beside the demo (`npm start` sets it); a real deployment has none. */
export function pimpayStandInUrl(): string | null {
  return process.env.PIMPAY_STAND_IN_URL?.replace(/\/+$/, "") || null;
}

/**
 * Demo mode's «Подключить демо-PimPay»: keys made here if there are none, the stand-in's demo token and company code
 * saved, and the public key put into the stand-in — what a company does in PimPay's cabinet. Company admins only.
 */
export async function connectDemoPimPay({ ctx }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const base = pimpayStandInUrl();
  if (!base)
    throw new ConflictError("Заглушка PimPay не запущена: демо-PimPay доступен только в демо-режиме (npm start)");
  const info = (await callStandIn("PimPay", base, "/_control/info")) as { demoToken?: string };
  const token = info.demoToken ?? "pimpay-demo-token";
  let { publicKey } = await getPimPay({ ctx, input: undefined });
  if (!publicKey) publicKey = (await generatePimPayKeyPair({ ctx, input: undefined })).publicKey;
  await savePimPay({
    ctx,
    input: {
      token,
      companyCode: process.env.PIMPAY_STAND_IN_COMPANY_CODE || "kurier_hub",
      apiUrl: `${base}/v2_7/soap/invoke`,
    },
  });
  await callStandIn("PimPay", base, "/_control/tokens", { token, publicKeyPem: publicKey });
  return { token };
}
