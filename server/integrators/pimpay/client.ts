import { sign } from "node:crypto";
import { PartnerError } from "../errors";
import { guardProbe, httpRequest, partnerText, UnreachableError } from "../http";
import type { Exchange, PaymentOrder, PaymentResult, PaymentState, ProbeOptions, ProbeResult } from "../types";
import { txt, all, type XmlNode } from "../xml";
import { envelope, find, findText, PIMPAY_NS, readAnswer, readOrderResults } from "./envelope";
import {
  acceptClientParts,
  ordersPart,
  statesPart,
  verificationParts,
  type AcceptClientInput,
  type VerificationRow,
} from "./mappers";
import type { PimPaySettings } from "./settings";

/** What every call needs: the endpoint, the token and the key that signs (pimpay.md §2). */
export type PimPayCredentials = Pick<PimPaySettings, "apiUrl" | "token" | "privateKey">;

/**
 * RSA PKCS#1 v1.5 over SHA-256 of the exact body bytes, base64 (pimpay.md §2.1: what `openssl dgst -sha256 -sign`
 * gives). The caller sends these very bytes: the envelope is never re-serialised after signing.
 */
export function signBody(body: Buffer, privateKey: string): string {
  return sign("sha256", body, privateKey).toString("base64");
}

export interface SignedCall {
  xml: string;
  /** Milliseconds spent signing (the bench prints the cost per batch). */
  signMs: number;
  bytes: number;
}

/** One signed SOAP call; faults and HTTP failures classified once here. */
async function call(
  creds: PimPayCredentials,
  method: string,
  parts: string[],
  timeoutMs: number,
): Promise<{ result: XmlNode; signed: SignedCall }> {
  const body = Buffer.from(envelope(method, creds.token, parts), "utf8");
  const started = performance.now();
  let signature: string;
  try {
    signature = signBody(body, creds.privateKey);
  } catch {
    throw new PartnerError("auth", "Закрытый ключ PimPay не подходит для подписи: создайте ключи заново");
  }
  const signMs = performance.now() - started;
  let res;
  try {
    res = await httpRequest(creds.apiUrl, {
      method: "POST",
      headers: {
        "content-type": "text/xml; charset=utf-8",
        soapaction: `"${PIMPAY_NS}#${method}"`,
        "x-request-signature": signature,
      },
      body: body.toString("utf8"),
      timeoutMs,
    });
  } catch (e) {
    if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
    throw e;
  }
  const answer = readAnswer(res.text, method);
  if (answer.kind === "fault") {
    // A refused signature or token is the settings' fault: no retry helps until they change.
    const auth = /подпис|signature|token|токен|ключ/i.test(answer.message);
    throw new PartnerError(auth ? "auth" : "rejected", `PimPay: ${partnerText(answer.message, 300)}`);
  }
  if (answer.kind === "not-soap") {
    if (res.status >= 500 || res.status === 429)
      throw new PartnerError("transient", `PimPay ответил ошибкой HTTP ${res.status}`);
    throw new PartnerError("transient", `PimPay прислал непонятный ответ (HTTP ${res.status})`);
  }
  return { result: answer.result, signed: { xml: body.toString("utf8"), signMs, bytes: body.length } };
}

/** «Проверить подключение» (§2.3): `testHeaderSignature` proves the token and the key without touching orders. */
export async function testHeaderSignature(creds: PimPayCredentials, timeoutMs: number): Promise<boolean> {
  const { result } = await call(creds, "testHeaderSignature", [], timeoutMs);
  const verified = findText(result, "isVerified") ?? txt(result, "return") ?? String(result["#text"] ?? "");
  return verified.trim().toLowerCase() === "true";
}

export function probePimPay(settings: PimPaySettings, options: ProbeOptions): Promise<ProbeResult> {
  return guardProbe(async () => {
    try {
      const ok = await testHeaderSignature(settings, options.timeoutMs);
      return ok
        ? { status: "ok", message: "Подключение установлено: PimPay принял токен и подпись" }
        : { status: "error", message: "Подпись не принята: загрузите открытый ключ в кабинет PimPay" };
    } catch (e) {
      if (!(e instanceof PartnerError)) throw e;
      return { status: e.kind === "transient" ? "unreachable" : "error", message: e.message };
    }
  });
}

/** PimPay's record of a shop (§3 ClientInfo), or null when PimPay does not know the INN. */
export interface PimPayClientInfo {
  tin: string;
  status: string;
  isActive: boolean;
  isMoneyTransferPossible: boolean;
  paymentOrderPurpose: string | null;
  ordersCount: number;
}

function clientInfo(node: XmlNode | undefined): PimPayClientInfo | null {
  const tin = findText(node, "tin");
  if (!node || !tin) return null;
  const flag = (name: string) => (findText(node, name) ?? "").toLowerCase() === "true";
  return {
    tin,
    status: findText(node, "status") ?? "",
    isActive: flag("isActive"),
    isMoneyTransferPossible: flag("isMoneyTransferPossible"),
    paymentOrderPurpose: findText(node, "paymentOrderPurpose") ?? null,
    ordersCount: Number(findText(node, "ordersCount") ?? 0) || 0,
  };
}

const NOT_FOUND = /не найден|not found|unknown|нет клиента/i;

/** `getClient(token, tin)`: the shop PimPay files under this INN; null when it has none. */
export async function getPimPayClient(
  creds: PimPayCredentials,
  tin: string,
  timeoutMs: number,
): Promise<PimPayClientInfo | null> {
  try {
    const { result } = await call(creds, "getClient", [`<tin xsi:type="xsd:string">${tin}</tin>`], timeoutMs);
    return clientInfo(result);
  } catch (e) {
    if (e instanceof PartnerError && e.kind === "rejected" && NOT_FOUND.test(e.message)) return null;
    throw e;
  }
}

/** `acceptClient`: registers the shop at PimPay with the fields it requires. */
export async function acceptPimPayClient(
  creds: PimPayCredentials,
  input: AcceptClientInput,
  timeoutMs: number,
): Promise<PimPayClientInfo | null> {
  const { result } = await call(creds, "acceptClient", acceptClientParts(input), timeoutMs);
  return clientInfo(result);
}

function results(result: XmlNode, sent: { id: string }[]): PaymentResult[] {
  const got = new Map(readOrderResults(result).map((r) => [r.id, r]));
  // An order the answer does not mention is not taken for accepted.
  return sent.map(
    (o) => got.get(o.id) ?? { id: o.id, ok: false, message: "PimPay не ответил по этому заказу: отправим ещё раз" },
  );
}

const exchangeOf = (method: string, signed: SignedCall, r: PaymentResult[]): Exchange<PaymentResult[]> => ({
  value: r,
  request: `${method}: ${r.length} заказов, ${signed.bytes} байт, подпись ${signed.signMs.toFixed(1)} мс`,
  response: `принято ${r.filter((x) => x.ok).length}, ошибок ${r.filter((x) => !x.ok).length}`,
});

/** `upsertOrders` (§4.1): full orders, per-order results. */
export async function upsertPimPayOrders(
  settings: PimPaySettings,
  orders: PaymentOrder[],
  timeoutMs: number,
): Promise<Exchange<PaymentResult[]> & { signed: SignedCall }> {
  const { result, signed } = await call(settings, "upsertOrders", [ordersPart(settings, orders)], timeoutMs);
  return { ...exchangeOf("upsertOrders", signed, results(result, orders)), signed };
}

/** `updateStateForOrders` (§4.2): statuses and amounts of orders PimPay already has. */
export async function updatePimPayStates(
  settings: PimPaySettings,
  states: PaymentState[],
  timeoutMs: number,
): Promise<Exchange<PaymentResult[]> & { signed: SignedCall }> {
  const { result, signed } = await call(settings, "updateStateForOrders", [statesPart(settings, states)], timeoutMs);
  return { ...exchangeOf("updateStateForOrders", signed, results(result, states)), signed };
}

/** `sendVerification` (§6): one reconciliation per payment order; PimPay answers whether it took it. */
export async function sendPimPayVerification(
  creds: PimPayCredentials,
  input: { tin: string; id: string; paymentOrder: { num: string; date: string; sum: number }; rows: VerificationRow[] },
  timeoutMs: number,
): Promise<boolean> {
  const { result } = await call(creds, "sendVerification", verificationParts(input), timeoutMs);
  const r = findText(result, "result") ?? String(result["#text"] ?? "");
  return r.trim().toLowerCase() === "true";
}

/** `getVerificationStatus` (§6): pending, matched or discarded with PimPay's errors. */
export async function getPimPayVerificationStatus(
  creds: PimPayCredentials,
  id: string,
  timeoutMs: number,
): Promise<{ status: "pending" | "matched" | "discarded" | "unknown"; errors: string[] }> {
  const { result } = await call(creds, "getVerificationStatus", [`<id xsi:type="xsd:string">${id}</id>`], timeoutMs);
  const raw = (findText(result, "status") ?? "").toLowerCase();
  const status = raw === "pending" || raw === "matched" || raw === "discarded" ? raw : "unknown";
  const errors = all(find(result, "errors"), "item")
    .map((i) => String(i["#text"] ?? txt(i, "message") ?? ""))
    .filter(Boolean);
  return { status, errors };
}
