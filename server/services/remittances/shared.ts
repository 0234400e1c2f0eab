import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Queryable } from "@/db/client";
import { integrations, remittances } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { type CodRegistry, type CodRegistryLine, fetchCdekRegistries } from "../../integrators/cdek/registries";
import type { CdekSettings } from "../../integrators/cdek/settings";
import type { ServiceContext } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { loadPartner } from "../exchange/partner";
import { groupRegistries, parseRegistryFile } from "./parse";
import type { LineState, registrySourceSchema } from "./schemas";

export type RegistrySource = z.output<typeof registrySourceSchema>;

/** Kopecks as «1 234,56 ₽», for the problem texts kept on the document. */
export function rub(k: number): string {
  const sign = k < 0 ? "-" : "";
  const a = Math.abs(k);
  const whole = String(Math.floor(a / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${sign}${whole},${String(a % 100).padStart(2, "0")} ₽`;
}

/** Kopecks as numeric(…,2) text, exactly. */
export function decimal(k: number): string {
  const a = Math.abs(k);
  return `${k < 0 ? "-" : ""}${Math.floor(a / 100)}.${String(a % 100).padStart(2, "0")}`;
}

/** numeric(…,2) text (or a number) as kopecks. */
export function kopecks(v: string | number): number {
  const s = typeof v === "number" ? v.toFixed(2) : v;
  const m = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(s.trim());
  if (!m) return Math.round(Number(s) * 100);
  const k = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -k : k;
}

/** The company's CDEK integration the registry belongs to; another company's, or one of another integrator, is not found. */
export async function cdekIntegration(db: Queryable, companyId: number, id: number) {
  const [row] = await db
    .select({ id: integrations.id, integrator: integrations.integrator })
    .from(integrations)
    .where(and(eq(integrations.companyId, companyId), eq(integrations.id, id), eq(integrations.integrator, "cdek")));
  if (!row) throw new NotFoundError("Интеграция СДЭК", "integrationId");
  return row;
}

export interface LoadedRegistries {
  registries: CodRegistry[];
  /** What could not be read; a registry load with any is previewed but not applied. */
  errors: string[];
  /** Worth knowing, harmless (columns skipped, nothing paid that day). */
  warnings: string[];
  source: "file" | "partner";
  fileName: string | null;
  /** Of the registries as read: apply refuses when they differ from what the preview showed. */
  digest: string;
}

/** The registries of a file or of CDEK for a day, with everything that could not be read. No database writes. */
export async function readRegistries(ctx: ServiceContext, input: RegistrySource): Promise<LoadedRegistries> {
  const companyId = ctx.actor.companyId;
  await cdekIntegration(ctx.db, companyId, input.integrationId);
  let registries: CodRegistry[];
  const errors: string[] = [];
  const warnings: string[] = [];
  if (input.source.kind === "file") {
    const bytes = Buffer.from(input.source.contentBase64, "base64");
    const parsed = await parseRegistryFile(bytes, input.source.fileName);
    const grouped = groupRegistries(parsed.rows);
    registries = grouped.registries;
    errors.push(...parsed.problems, ...grouped.problems);
    if (parsed.unknownHeaders.length) {
      warnings.push(`Столбцы не распознаны и пропущены: ${parsed.unknownHeaders.map((h) => `«${h}»`).join(", ")}`);
    }
  } else {
    const date = input.source.date;
    try {
      const partner = await loadPartner(ctx.db, input.integrationId);
      if (!partner || partner.companyId !== companyId || partner.integrator !== "cdek") {
        throw new NotFoundError("Интеграция СДЭК", "integrationId");
      }
      const answer = await fetchCdekRegistries(partner.settings as CdekSettings, date, partner.options);
      registries = answer.registries;
      errors.push(...answer.problems);
    } catch (e) {
      if (e instanceof PartnerError) throw new ValidationError(`Не удалось получить реестр из СДЭК: ${e.message}`);
      throw e;
    }
    const seen = new Set<string>();
    for (const r of registries) {
      if (seen.has(r.number)) errors.push(`СДЭК прислал реестр № ${r.number} дважды`);
      seen.add(r.number);
    }
    if (!registries.length && !errors.length) {
      warnings.push(`СДЭК не прислал реестров наложенных платежей за ${date.split("-").reverse().join(".")}`);
    }
  }
  const digest = createHash("sha256").update(JSON.stringify(registries)).digest("hex");
  return {
    registries,
    errors,
    warnings,
    source: input.source.kind,
    fileName: input.source.kind === "file" ? input.source.fileName : null,
    digest,
  };
}

interface OrderMatch {
  orderId: number;
  number: string;
  cod: number;
}

/**
 * Our orders behind CDEK numbers: only those handed to CDEK through one of this company's CDEK integrations (a
 * transfer carrying that partner code). The integrations drive the join, so each code is one probe of
 * transfers_partner_code_idx.
 */
export async function matchOrders(db: Queryable, companyId: number, codes: string[]) {
  const out = new Map<string, OrderMatch[]>();
  if (!codes.length) return out;
  const rows = (await db.execute(sql`
    select t.partner_order_code as code, o.id as order_id, o.number, o.cod_amount
    from integrations i
    join transfers t on t.integration_id = i.id
      and t.partner_order_code in (select jsonb_array_elements_text(${JSON.stringify(codes)}::jsonb))
    join orders o on o.id = t.order_id and o.company_id = ${companyId}
    where i.company_id = ${companyId} and i.integrator = 'cdek' and t.company_id = ${companyId}`)) as unknown as {
    code: string;
    order_id: string | number;
    number: string;
    cod_amount: string;
  }[];
  for (const r of rows) {
    const list = out.get(r.code) ?? [];
    const orderId = Number(r.order_id);
    if (!list.some((m) => m.orderId === orderId)) list.push({ orderId, number: r.number, cod: kopecks(r.cod_amount) });
    out.set(r.code, list);
  }
  return out;
}

/** For orders already on loaded remittances: those registries' numbers, in loading order. */
export async function earlierRegistries(db: Queryable, companyId: number, orderIds: number[]) {
  const out = new Map<number, string[]>();
  if (!orderIds.length) return out;
  const rows = (await db.execute(sql`
    select l.order_id, array_agg(r.number order by r.id) as numbers
    from remittance_lines l join remittances r on r.id = l.remittance_id and r.company_id = ${companyId}
    where l.company_id = ${companyId}
      and l.order_id in (select (jsonb_array_elements_text(${JSON.stringify(orderIds)}::jsonb))::bigint)
    group by l.order_id`)) as unknown as { order_id: string | number; numbers: string[] }[];
  for (const r of rows) out.set(Number(r.order_id), r.numbers);
  return out;
}

export interface EvaluatedLine extends CodRegistryLine {
  orderId: number | null;
  orderNumber: string | null;
  codExpected: number | null;
  state: LineState;
  problem: string | null;
  /** «Агентская цена» this line gives its order; null when it gives none (unknown, repeated or already loaded). */
  agentPrice: number | null;
}

export interface EvaluatedRegistry {
  registry: CodRegistry;
  lines: EvaluatedLine[];
  /** The registry's total: the stated one, else the sum transferred for its orders. */
  total: number;
  codTotal: number;
  transferTotal: number;
  commissionTotal: number;
  counts: Record<LineState, number>;
  problemCount: number;
  /** About the registry as a whole. */
  problem: string | null;
}

/**
 * «Агентская цена»: CDEK's whole charge for the order — its price without the agent fee plus that fee. A report
 * without the first column gives the same figure as what CDEK kept back from the COD.
 */
export function agentPriceOf(line: CodRegistryLine): number {
  return line.totalWithoutAgent !== null
    ? line.totalWithoutAgent + line.commission
    : line.paymentSum - line.transferSum;
}

/** Each line against our orders: found or not, COD as expected or not, seen before or not. Pure. */
export function evaluateRegistry(
  registry: CodRegistry,
  matches: Map<string, OrderMatch[]>,
  earlier: Map<number, string[]>,
): EvaluatedRegistry {
  const seen = new Map<number, number>();
  const counts: Record<LineState, number> = { matched: 0, unknown: 0, mismatch: 0 };
  let codTotal = 0;
  let transferTotal = 0;
  let commissionTotal = 0;
  const lines = registry.lines.map((line): EvaluatedLine => {
    codTotal += line.paymentSum;
    transferTotal += line.transferSum;
    commissionTotal += line.commission;
    const found = matches.get(line.cdekNumber) ?? [];
    if (found.length !== 1) {
      counts.unknown++;
      return {
        ...line,
        orderId: null,
        orderNumber: null,
        codExpected: null,
        state: "unknown",
        agentPrice: null,
        problem: found.length
          ? `Номер СДЭК ${line.cdekNumber} у нескольких заказов: ${found.map((m) => m.number).join(", ")}`
          : `Заказ СДЭК № ${line.cdekNumber} не найден среди переданных в СДЭК`,
      };
    }
    const order = found[0]!;
    const problems: string[] = [];
    const repeatOf = seen.get(order.orderId);
    if (repeatOf !== undefined) problems.push(`Заказ повторяется в реестре (первый раз — строка ${repeatOf})`);
    else seen.set(order.orderId, line.lineNo);
    // The registry itself, when it is already loaded (a preview of a second load), does not count.
    const before = earlier.get(order.orderId)?.find((n) => n !== registry.number);
    if (before !== undefined) problems.push(`Заказ уже был в реестре № ${before}`);
    if (line.paymentSum !== order.cod) {
      problems.push(`Наложенный платёж по реестру ${rub(line.paymentSum)}, в заказе ${rub(order.cod)}`);
    }
    const state: LineState = problems.length ? "mismatch" : "matched";
    counts[state]++;
    return {
      ...line,
      orderId: order.orderId,
      orderNumber: order.number,
      codExpected: order.cod,
      state,
      // A COD difference does not make CDEK's charge less certain; a repeat or an earlier registry does.
      agentPrice: repeatOf === undefined && before === undefined ? agentPriceOf(line) : null,
      problem: problems.length ? problems.join("; ") : null,
    };
  });
  let problem: string | null = null;
  if (registry.total !== null && registry.total !== transferTotal) {
    problem = `Сумма реестра ${rub(registry.total)} не равна сумме к перечислению по заказам ${rub(transferTotal)}`;
  }
  return {
    registry,
    lines,
    total: registry.total ?? transferTotal,
    codTotal,
    transferTotal,
    commissionTotal,
    counts,
    problemCount: counts.unknown + counts.mismatch,
    problem,
  };
}

/**
 * Matches every line of the registries in two queries, whatever their number. Registries are taken in turn, as
 * applying loads them: an order in two registries of one file is «already in» the second. `loaded` registries are in
 * the database already and add nothing.
 */
export async function evaluateRegistries(
  db: Queryable,
  companyId: number,
  registries: CodRegistry[],
  loaded: Set<string> = new Set(),
) {
  const codes = [...new Set(registries.flatMap((r) => r.lines.map((l) => l.cdekNumber)))];
  const matches = await matchOrders(db, companyId, codes);
  const orderIds = [...new Set([...matches.values()].flatMap((list) => list.map((m) => m.orderId)))];
  const earlier = await earlierRegistries(db, companyId, orderIds);
  return registries.map((r) => {
    const evaluated = evaluateRegistry(r, matches, earlier);
    if (!loaded.has(r.number)) {
      for (const l of evaluated.lines)
        if (l.orderId !== null) earlier.set(l.orderId, [...(earlier.get(l.orderId) ?? []), r.number]);
    }
    return evaluated;
  });
}

/** The registries of these numbers already loaded through the integration: number → document id. */
export async function loadedRemittances(db: Queryable, companyId: number, integrationId: number, numbers: string[]) {
  const out = new Map<string, number>();
  if (!numbers.length) return out;
  const rows = await db
    .select({ id: remittances.id, number: remittances.number })
    .from(remittances)
    .where(
      and(
        eq(remittances.companyId, companyId),
        eq(remittances.integrationId, integrationId),
        sql`${remittances.number} in (select jsonb_array_elements_text(${JSON.stringify(numbers)}::jsonb))`,
      ),
    );
  for (const r of rows) out.set(r.number, r.id);
  return out;
}

export const alreadyLoadedMessage = (number: string) => `Реестр № ${number} уже загружен`;

/** Line state as stored: no order — unknown; an order with a problem — mismatch. */
export function lineState(orderId: number | null, problem: string | null): LineState {
  if (orderId === null) return "unknown";
  return problem ? "mismatch" : "matched";
}
