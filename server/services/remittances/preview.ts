import { assertStaff, type ServiceCall } from "../context";
import { previewRemittanceSchema } from "./schemas";
import {
  alreadyLoadedMessage,
  decimal,
  type EvaluatedLine,
  evaluateRegistries,
  loadedRemittances,
  readRegistries,
} from "./shared";

/** Lines a preview carries at most: problems first, then matched ones; the counts always cover all of them. */
export const PREVIEW_LINES = 2000;

const lineView = (l: EvaluatedLine) => ({
  lineNo: l.lineNo,
  cdekNumber: l.cdekNumber,
  orderId: l.orderId,
  orderNumber: l.orderNumber,
  state: l.state,
  problem: l.problem,
  codCollected: decimal(l.paymentSum),
  codExpected: l.codExpected === null ? null : decimal(l.codExpected),
  transferSum: decimal(l.transferSum),
  commission: decimal(l.commission),
  agentPrice: l.agentPrice === null ? null : decimal(l.agentPrice),
});

/** What applying the registry would do, matched / unknown / mismatching line by line; writes nothing. */
export async function previewRemittance({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = previewRemittanceSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const loaded = await readRegistries(ctx, data);
  const numbers = loaded.registries.map((r) => r.number);
  const existing = await loadedRemittances(ctx.db, companyId, data.integrationId, numbers);
  const evaluated = await evaluateRegistries(ctx.db, companyId, loaded.registries, new Set(existing.keys()));
  let budget = PREVIEW_LINES;
  const registries = evaluated.map((e) => {
    const problems = e.lines.filter((l) => l.state !== "matched");
    const matched = e.lines.filter((l) => l.state === "matched");
    const shown = [...problems, ...matched].slice(0, Math.max(0, budget));
    budget -= shown.length;
    const loadedId = existing.get(e.registry.number) ?? null;
    return {
      number: e.registry.number,
      paymentDate: e.registry.paymentDate,
      paymentOrderNumber: e.registry.paymentOrderNumber,
      total: decimal(e.total),
      codTotal: decimal(e.codTotal),
      transferTotal: decimal(e.transferTotal),
      commissionTotal: decimal(e.commissionTotal),
      lineCount: e.lines.length,
      counts: e.counts,
      problem: e.problem,
      loadedId,
      loadedMessage: loadedId === null ? null : alreadyLoadedMessage(e.registry.number),
      lines: shown.map(lineView),
    };
  });
  const lineCount = registries.reduce((n, r) => n + r.lineCount, 0);
  return {
    digest: loaded.digest,
    source: loaded.source,
    fileName: loaded.fileName,
    errors: loaded.errors,
    warnings: loaded.warnings,
    registries,
    lineCount,
    linesShown: PREVIEW_LINES - Math.max(0, budget),
    /** Something new to write and nothing unreadable. */
    canApply: loaded.errors.length === 0 && registries.some((r) => r.loadedId === null),
  };
}
