import { PartnerError } from "../errors";
import { partnerText } from "../http";
import type { ExchangeOptions } from "../types";
import { CdekApi } from "./api";
import { cdekErrors } from "./mappers";
import type { CdekSettings } from "./settings";

/**
 * A COD registry («реестр наложенных платежей») as the hub reads it, from CDEK's API or from CDEK's report file.
 * Sums are whole kopecks (CDEK's settlement currency), so adding them up never drifts.
 */
export interface CodRegistry {
  number: string;
  /** ГГГГ-ММ-ДД; CDEK leaves it out until the registry is paid. */
  paymentDate: string | null;
  paymentOrderNumber: string | null;
  /** The registry's own total (`sum`); null when the source does not state it. */
  total: number | null;
  lines: CodRegistryLine[];
}

export interface CodRegistryLine {
  /** Where the line came from: its row in the file, or its place in the API answer (1-based). */
  lineNo: number;
  cdekNumber: string;
  /** COD taken from the recipient. */
  paymentSum: number;
  /** What CDEK transfers to us for the order. */
  transferSum: number;
  /** CDEK's charge for the order without its agent fee; not every report file has it. */
  totalWithoutAgent: number | null;
  /** CDEK's agent fee for transferring the COD. */
  commission: number;
}

/** numeric(12,2) holds less than 10^10 roubles; a sum beyond it is a broken value, not money. */
export const MAX_KOPECKS = 999_999_999_999;

/**
 * Money as CDEK or a spreadsheet writes it: a number, or text like «1 234,56», «1234.56», «-12,5 ₽». Null when it is
 * not a sum with at most two decimals (a number cell is rounded to kopecks: spreadsheets store 0.1 as 0.1000…01).
 */
export function parseKopecks(value: unknown): number | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    const k = Math.round(value * 100);
    return Math.abs(k) <= MAX_KOPECKS ? k : null;
  }
  if (typeof value !== "string") return null;
  let s = value.replace(/[\s\u00a0\u202f]/g, "").replace(/(₽|руб\.?|р\.|rub)$/i, "");
  if (s.includes(",") && s.includes(".")) s = s.replace(/,/g, "");
  else s = s.replace(",", ".");
  const m = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const k = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(k) || k > MAX_KOPECKS) return null;
  return m[1] === "-" ? -k : k;
}

/** A registry or order number as text: CDEK sends them as numbers or strings, spreadsheets as numbers. */
export function codeText(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return Number.isInteger(value) ? value.toFixed(0) : null;
  if (typeof value !== "string") return null;
  const s = value.trim();
  return s && s.length <= 50 && !s.includes("\0") ? s : null;
}

const isoDay = (value: unknown) =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? value.trim().slice(0, 10) : null;

export interface RegistriesAnswer {
  registries: CodRegistry[];
  /** What in the answer could not be read, one Russian sentence each; such an answer is not applied. */
  problems: string[];
}

/**
 * CDEK's `GET /v2/registries` answer (cdek-v2.md §4): `{registries:[{registry_number, payment_date, sum,
 * payment_order_number, orders:[{cdek_number, transfer_sum, payment_sum, total_sum_without_agent,
 * agent_commission_sum}]}]}`. Nothing unreadable is dropped silently: it becomes a problem.
 */
export function mapCdekRegistries(json: unknown): RegistriesAnswer {
  const problems: string[] = [];
  const registries: CodRegistry[] = [];
  const root = json as { registries?: unknown } | null;
  if (!root || typeof root !== "object" || (root.registries !== undefined && !Array.isArray(root.registries))) {
    return { registries, problems: ["СДЭК прислал ответ без списка реестров"] };
  }
  const list = (root.registries ?? []) as unknown[];
  list.forEach((raw, i) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const number = codeText(r.registry_number);
    const label = number ? `Реестр № ${number}` : `Реестр ${i + 1}`;
    if (!number) problems.push(`${label}: нет номера реестра`);
    const total = r.sum === undefined || r.sum === null ? null : parseKopecks(r.sum);
    if (r.sum !== undefined && r.sum !== null && total === null) problems.push(`${label}: сумма реестра не число`);
    const orders = Array.isArray(r.orders) ? (r.orders as unknown[]) : [];
    if (!Array.isArray(r.orders)) problems.push(`${label}: нет списка заказов`);
    const lines: CodRegistryLine[] = [];
    orders.forEach((rawLine, j) => {
      const o = (rawLine ?? {}) as Record<string, unknown>;
      const where = `${label}, заказ ${j + 1}`;
      const cdekNumber = codeText(o.cdek_number);
      const paymentSum = parseKopecks(o.payment_sum);
      const transferSum = parseKopecks(o.transfer_sum);
      const commission = parseKopecks(o.agent_commission_sum);
      const without = o.total_sum_without_agent;
      const totalWithoutAgent = without === undefined || without === null ? null : parseKopecks(without);
      const bad = [
        !cdekNumber && "нет номера заказа СДЭК (cdek_number)",
        paymentSum === null && "payment_sum не сумма",
        transferSum === null && "transfer_sum не сумма",
        commission === null && "agent_commission_sum не сумма",
        without !== undefined && without !== null && totalWithoutAgent === null && "total_sum_without_agent не сумма",
      ].filter(Boolean);
      if (bad.length) {
        problems.push(`${where}: ${bad.join(", ")}`);
        return;
      }
      lines.push({
        lineNo: j + 1,
        cdekNumber: cdekNumber!,
        paymentSum: paymentSum!,
        transferSum: transferSum!,
        totalWithoutAgent,
        commission: commission!,
      });
    });
    if (number) {
      registries.push({
        number,
        paymentDate: isoDay(r.payment_date),
        paymentOrderNumber: codeText(r.payment_order_number),
        total,
        lines,
      });
    }
  });
  return { registries, problems };
}

/** The COD registries CDEK paid on one day (ГГГГ-ММ-ДД). Throws `PartnerError` with a Russian reason. */
export async function fetchCdekRegistries(
  settings: CdekSettings,
  date: string,
  options: ExchangeOptions,
): Promise<RegistriesAnswer> {
  const what = "реестр наложенных платежей";
  const api = new CdekApi(settings, options);
  const answer = await api.call("GET", `/v2/registries?date=${encodeURIComponent(date)}`, what);
  const errors = cdekErrors(answer.json);
  if (answer.status >= 400 || (errors.length && !(answer.json as { registries?: unknown })?.registries)) {
    const why = errors.length
      ? errors.map((e) => `${partnerText(e.message)} (${e.code})`).join("; ")
      : `HTTP ${answer.status}`;
    throw new PartnerError("rejected", `СДЭК не выдал ${what} за ${date}: ${why}`);
  }
  return mapCdekRegistries(answer.json);
}
