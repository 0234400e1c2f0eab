import { readFileSync } from "node:fs";
import { startPimPayStandIn } from "./server";
import { standInPort, stopOnSignals } from "../shared/process";

// `npm run stand-in:pimpay`: the PimPay Platform API v2_7 stand-in as a process of its own (port from
// PIMPAY_STAND_IN_PORT, 8089). PIMPAY_STAND_IN_PUBLIC_KEY_FILE registers a public key for the demo token at start.
const port = standInPort("PIMPAY_STAND_IN_PORT", 8089);
const keyFile = process.env.PIMPAY_STAND_IN_PUBLIC_KEY_FILE;
const digests = process.env.PIMPAY_STAND_IN_DIGESTS?.split(",").map((d) => d.trim()) as (
  "sha256" | "sha1" | "sha512"
)[];
const standIn = await startPimPayStandIn({
  port,
  demoToken: process.env.PIMPAY_STAND_IN_TOKEN || undefined,
  demoPublicKeyPem: keyFile ? readFileSync(keyFile, "utf8") : undefined,
  digests: digests?.length ? digests : undefined,
  // The code PimPay assigned to the courier company (our settings' «Код компании»), known beside the carriers'.
  ...(process.env.PIMPAY_STAND_IN_COMPANY_CODE
    ? { deliveryServices: [{ code: process.env.PIMPAY_STAND_IN_COMPANY_CODE, title: "Курьерская служба (демо)" }] }
    : {}),
});
const demo = standIn.createClient({
  tin: "7712345671",
  legalEntityName: "ООО «Демо-магазин»",
  shopName: "Демо-магазин",
});
const token = standIn.platform.tokenView(standIn.platform.tokenState(standIn.demoToken)!);
console.log(`Заглушка PimPay (SOAP, Platform API v2_7) слушает ${standIn.url}`);
console.log(`  SOAP: POST ${standIn.endpoint} (SOAPAction "urn:PlatformApiWsdl#<метод>")`);
console.log(`  WSDL: ${standIn.wsdlUrl}`);
console.log(
  `  Демо-токен: ${standIn.demoToken} — ${token.hasKey ? `открытый ключ загружен (${token.keyFingerprint?.slice(0, 16)}…)` : "открытого ключа нет: POST /_control/tokens {token, publicKeyPem}"}`,
);
console.log(`  Подпись: X-Request-Signature, RSA PKCS#1 v1.5, ${standIn.platform.tuning.digests.join(", ")}`);
console.log(`  Демо-клиент: ИНН ${demo.tin}, ${demo.legalEntityName}`);
console.log(
  `  Управление: ${standIn.url}/_control/… (info, tokens, clients, orders, states, verifications, fail-next, reset)`,
);

stopOnSignals("PimPay", () => standIn.close());
