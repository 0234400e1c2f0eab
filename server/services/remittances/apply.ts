import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { remittances } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, ValidationError } from "../errors";
import { applyRemittanceSchema } from "./schemas";
import {
  alreadyLoadedMessage,
  decimal,
  type EvaluatedRegistry,
  evaluateRegistries,
  loadedRemittances,
  readRegistries,
} from "./shared";

/** Lines per INSERT / UPDATE statement: one JSON parameter each, so a 50,000-line registry is a handful of them. */
const CHUNK = 10_000;

/**
 * Loads the registry as an incoming remittance document in one transaction: the document, its lines (problems kept on
 * them) and «Агентская цена» of every order it identifies. A registry already loaded through the integration is left
 * as it is and said so.
 */
export async function applyRemittance({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = applyRemittanceSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const loaded = await readRegistries(ctx, data);
  if (loaded.errors.length) {
    const more = loaded.errors.length > 1 ? ` (и ещё ${loaded.errors.length - 1})` : "";
    throw new ValidationError(`Реестр не проведён: исправьте ошибки чтения — ${loaded.errors[0]}${more}`);
  }
  if (!loaded.registries.length) throw new ValidationError(loaded.warnings[0] ?? "В реестре нет строк");
  if (data.digest && data.digest !== loaded.digest) {
    throw new ConflictError("Реестр изменился после просмотра: посмотрите его ещё раз и проведите заново");
  }
  const userId = ctx.actor.type === "staff" ? ctx.actor.userId : null;

  return ctx.db.transaction(async (tx) => {
    const numbers = loaded.registries.map((r) => r.number);
    const existing = await loadedRemittances(tx, companyId, data.integrationId, numbers);
    const fresh = loaded.registries.filter((r) => !existing.has(r.number));
    const evaluated = await evaluateRegistries(tx, companyId, fresh);
    const created: { id: number; number: string; lineCount: number; problemCount: number }[] = [];
    const skipped = [...existing].map(([number, id]) => ({ id, number, message: alreadyLoadedMessage(number) }));
    for (const e of evaluated) {
      const id = await insertDocument(tx, companyId, data.integrationId, e, loaded, userId);
      if (id === null) {
        // Loaded by someone else a moment ago: their transaction won the unique key, this one writes nothing for it.
        const [again] = (await loadedRemittances(tx, companyId, data.integrationId, [e.registry.number])).values();
        skipped.push({ id: again!, number: e.registry.number, message: alreadyLoadedMessage(e.registry.number) });
        continue;
      }
      await insertLines(tx, companyId, id, e);
      await fillAgentPrices(tx, companyId, e);
      created.push({ id, number: e.registry.number, lineCount: e.lines.length, problemCount: e.problemCount });
    }
    const said = [
      ...created.map(
        (c) =>
          `Реестр № ${c.number} проведён: строк ${c.lineCount}` +
          (c.problemCount ? `, с расхождениями ${c.problemCount}` : ", расхождений нет"),
      ),
      ...skipped.map((s) => `${s.message} — ничего не изменено`),
    ];
    return { created, skipped, message: said.join(". ") };
  });
}

async function insertDocument(
  tx: Queryable,
  companyId: number,
  integrationId: number,
  e: EvaluatedRegistry,
  loaded: { source: "file" | "partner"; fileName: string | null },
  userId: number | null,
): Promise<number | null> {
  const [doc] = await tx
    .insert(remittances)
    .values({
      companyId,
      integrationId,
      integrator: "cdek",
      number: e.registry.number,
      paymentDate: e.registry.paymentDate,
      paymentOrderNumber: e.registry.paymentOrderNumber,
      total: decimal(e.total),
      codTotal: decimal(e.codTotal),
      transferTotal: decimal(e.transferTotal),
      commissionTotal: decimal(e.commissionTotal),
      lineCount: e.lines.length,
      problemCount: e.problemCount,
      problem: e.problem,
      source: loaded.source,
      fileName: loaded.fileName,
      createdBy: userId,
    })
    .onConflictDoNothing()
    .returning({ id: remittances.id });
  return doc?.id ?? null;
}

async function insertLines(tx: Queryable, companyId: number, remittanceId: number, e: EvaluatedRegistry) {
  for (let i = 0; i < e.lines.length; i += CHUNK) {
    const rows = JSON.stringify(
      e.lines.slice(i, i + CHUNK).map((l) => ({
        line_no: l.lineNo,
        code: l.cdekNumber,
        order_id: l.orderId,
        cod: decimal(l.paymentSum),
        transfer: decimal(l.transferSum),
        without_agent: l.totalWithoutAgent === null ? null : decimal(l.totalWithoutAgent),
        commission: decimal(l.commission),
        expected: l.codExpected === null ? null : decimal(l.codExpected),
        problem: l.problem,
      })),
    );
    await tx.execute(sql`
      insert into remittance_lines (remittance_id, company_id, line_no, partner_order_code, order_id, cod_collected,
        transfer_sum, total_without_agent, commission, cod_expected, problem)
      select ${remittanceId}, ${companyId}, v.line_no, v.code, v.order_id, v.cod, v.transfer, v.without_agent,
        v.commission, v.expected, v.problem
      from jsonb_to_recordset(${rows}::jsonb) as v(line_no int, code text, order_id bigint, cod numeric,
        transfer numeric, without_agent numeric, commission numeric, expected numeric, problem text)`);
  }
}

async function fillAgentPrices(tx: Queryable, companyId: number, e: EvaluatedRegistry) {
  const priced = e.lines
    .filter((l) => l.orderId !== null && l.agentPrice !== null)
    .sort((a, b) => a.orderId! - b.orderId!);
  for (let i = 0; i < priced.length; i += CHUNK) {
    const rows = JSON.stringify(
      priced.slice(i, i + CHUNK).map((l) => ({ id: l.orderId, price: decimal(l.agentPrice!) })),
    );
    await tx.execute(sql`
      update orders o set agent_price = v.price, updated_at = now()
      from jsonb_to_recordset(${rows}::jsonb) as v(id bigint, price numeric)
      where o.id = v.id and o.company_id = ${companyId} and o.agent_price is distinct from v.price`);
  }
}
