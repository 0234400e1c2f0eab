import { and, desc, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, integrationAudit, integrations } from "@/db/schema";
import { fieldsOf, secretFieldNames, validateSettings } from "../../integrators/fields";
import { integratorTitle } from "../../integrators/catalog";
import { PartnerError } from "../../integrators/errors";
import { UnreachableError } from "../../integrators/http";
import { getIntegrator } from "../../integrators/registry";
import type { FieldChoice, FieldSpec, IntegratorAdapter } from "../../integrators/types";
import type { ServiceCall, ServiceContext } from "../context";
import { NotFoundError, ValidationError, type FieldErrors } from "../errors";
import { loadPartner } from "../exchange/partner";
import type { AuditAction } from "../integrations/schemas";
import { writeAudit } from "../integrations/shared";
import { ORDER_STATUSES } from "../orders/statuses";
import { listDeliveryServices } from "../tariffs";
import { automationRefSchema, saveAutomationSchema, type SaveAutomationInput } from "./automation-schemas";
import { ownedBy, shopOf } from "./owned";
import { resyncRetailCrmIntegration } from "./retailcrm";

const CHOICES_TIMEOUT_MS = 10_000;

/** Apps whose partner keeps a copy of the rules: told in the same transaction, so a refusal changes nothing here. */
const PARTNER_SYNC: Record<string, (tx: Queryable, integrationId: number) => Promise<void>> = {
  retailcrm: resyncRetailCrmIntegration,
};

/** The caller's app (staff: any client's of the company; a client account: its own) whose adapter has settings here. */
async function loadAutomated(ctx: ServiceContext, id: number, lock = false) {
  const q = ctx.db
    .select({ integration: integrations, clientName: clients.name })
    .from(integrations)
    .innerJoin(clients, eq(clients.id, integrations.clientId))
    .where(and(ownedBy(ctx), eq(integrations.id, id)));
  const [row] = lock ? await q.for("update", { of: integrations }) : await q;
  const adapter = row ? getIntegrator(row.integration.integrator) : undefined;
  if (!row || !adapter?.automation) throw new NotFoundError("Приложение");
  const fields = fieldsOf(adapter).filter((f) => adapter.automation!.includes(f.name));
  return { row: row.integration, clientName: row.clientName, adapter, fields };
}

/** Choices that are ours, not the partner's: the company's delivery services (its tariffs in the calculator). */
async function ownChoices(ctx: ServiceContext, fields: FieldSpec[]): Promise<Record<string, FieldChoice[]>> {
  if (!fields.some((f) => f.choices === "deliveryServices")) return {};
  const services = await listDeliveryServices(ctx.db, ctx.actor.companyId);
  return { deliveryServices: services.map((s) => ({ value: String(s.code), label: `${s.code} — ${s.name}` })) };
}

/** The partner's values for choice fields (the shop's statuses), or why they could not be read. */
async function readChoices(ctx: ServiceContext, adapter: IntegratorAdapter, id: number, fields: FieldSpec[]) {
  const own = await ownChoices(ctx, fields);
  const partner = await readPartnerChoices(ctx, adapter, id);
  return { choices: { ...partner.choices, ...own }, choicesError: partner.choicesError };
}

async function readPartnerChoices(ctx: ServiceContext, adapter: IntegratorAdapter, id: number) {
  if (!adapter.automationChoices) return { choices: {}, choicesError: null };
  try {
    const p = await loadPartner(ctx.db, id);
    if (!p) return { choices: {}, choicesError: "Приложение не найдено" };
    const choices = await adapter.automationChoices(p.settings, { ...p.options, timeoutMs: CHOICES_TIMEOUT_MS });
    return { choices, choicesError: null };
  } catch (e) {
    if (!(e instanceof PartnerError || e instanceof UnreachableError)) throw e;
    return {
      choices: {} as Record<string, FieldChoice[]>,
      choicesError: `Не удалось получить данные магазина: ${e.message}`,
    };
  }
}

function pick(settings: Record<string, unknown>, fields: FieldSpec[]) {
  return Object.fromEntries(fields.filter((f) => f.name in settings).map((f) => [f.name, settings[f.name]]));
}

/**
 * «Автоматизация» of one app: its editable settings (the adapter's `automation` fields) with their current values,
 * the partner's choices for them (read live, e.g. the shop's statuses), our statuses to map, and the change history.
 */
export async function getAutomation({ ctx, input }: ServiceCall<unknown>) {
  const { id } = automationRefSchema.parse(input);
  const { row, clientName, adapter, fields } = await loadAutomated(ctx, id);
  const { choices, choicesError } = await readChoices(ctx, adapter, id, fields);
  const audit = await ctx.db
    .select()
    .from(integrationAudit)
    .where(and(eq(integrationAudit.companyId, ctx.actor.companyId), eq(integrationAudit.integrationId, id)))
    .orderBy(desc(integrationAudit.id))
    .limit(50);
  return {
    id,
    title: integratorTitle(row.integrator),
    shop: shopOf(row.settings),
    client: { id: row.clientId!, name: clientName },
    enabled: row.enabled,
    fields,
    values: pick(row.settings, fields),
    choices,
    choicesError,
    ourStatuses: Object.entries(ORDER_STATUSES).map(([code, title]) => ({ code, title })),
    audit: audit.map((a) => ({
      id: a.id,
      at: a.at,
      actorName: a.actorName,
      action: a.action as AuditAction,
      fields: a.fields.map((name) => fields.find((f) => f.name === name)?.label ?? name),
    })),
  };
}

/** A value chosen from the partner's list must be one of them (when the list could be read): a typo never triggers. */
function checkChoices(fields: FieldSpec[], values: Record<string, unknown>, choices: Record<string, FieldChoice[]>) {
  const errors: FieldErrors = {};
  for (const f of fields) {
    const list = f.choices ? choices[f.choices] : undefined;
    const v = values[f.name];
    if (!list || v === undefined) continue;
    const known = new Set(list.map((c) => c.value));
    const given = Array.isArray(v) ? v : f.type === "statusMap" && v && typeof v === "object" ? Object.values(v) : [v];
    const unknown = given.filter((x) => typeof x === "string" && x !== "" && !known.has(x));
    if (unknown.length) errors[f.name] = [`${f.choicesMissing ?? "Нет значения"} «${String(unknown[0])}»`];
  }
  return errors;
}

/** Drops blank entries of a status mapping: «не менять» is the absence of a row, not an empty value. */
function withoutBlanks(fields: FieldSpec[], values: Record<string, unknown>) {
  const out = { ...values };
  for (const f of fields) {
    const v = out[f.name];
    if (f.type === "statusMap" && v && typeof v === "object" && !Array.isArray(v)) {
      out[f.name] = Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === "string" && x.trim() !== ""));
    }
  }
  return out;
}

/**
 * «Сохранить» in «Автоматизация»: only the adapter's automation fields change, validated with the whole settings
 * schema, and the change is audited (who, when, which fields — never values). Staff for any client's app, a client
 * account for its own.
 */
export async function saveAutomation({ ctx, input }: ServiceCall<SaveAutomationInput>) {
  const { id, values } = saveAutomationSchema.parse(input);
  const first = await loadAutomated(ctx, id);
  const foreign = Object.keys(values).filter((k) => !first.fields.some((f) => f.name === k));
  if (foreign.length) {
    throw new ValidationError(
      "Эти настройки здесь не меняются",
      Object.fromEntries(foreign.map((k) => [k, ["Не меняется здесь"]])),
    );
  }
  const given = withoutBlanks(first.fields, values);
  const { choices } = await readChoices(ctx, first.adapter, id, first.fields);
  const choiceErrors = checkChoices(first.fields, given, choices);
  if (Object.keys(choiceErrors).length) throw new ValidationError("Проверьте поля формы", choiceErrors);

  return ctx.db.transaction(async (tx) => {
    const tctx = { ...ctx, db: tx };
    const { row, adapter, fields } = await loadAutomated(tctx, id, true);
    // Blank text means «not given» to the schema; an optional field cleared here must really be cleared.
    const merged: Record<string, unknown> = { ...row.settings, ...given };
    for (const f of fields)
      if (typeof given[f.name] === "string" && (given[f.name] as string).trim() === "") delete merged[f.name];
    const secretNames = secretFieldNames(adapter);
    const checked = validateSettings(adapter, merged, secretNames);
    if (!checked.ok) throw new ValidationError("Проверьте поля формы", checked.fieldErrors);
    const next = Object.fromEntries(Object.entries(checked.data).filter(([k]) => !secretNames.includes(k)));
    // Compared with the stored settings as the schema reads them: a default filled in now is not a change.
    const before = validateSettings(adapter, row.settings, secretNames);
    const prev = before.ok ? before.data : row.settings;
    const changed = fields
      .filter((f) => JSON.stringify(prev[f.name] ?? null) !== JSON.stringify(next[f.name] ?? null))
      .map((f) => f.name);
    if (changed.length === 0) return { id, changed };
    await tx
      .update(integrations)
      .set({ settings: next, updatedAt: sql`now()` })
      .where(eq(integrations.id, row.id));
    await writeAudit(tx, ctx.actor, {
      clientId: row.clientId,
      integrationId: row.id,
      integrator: row.integrator,
      action: "changed",
      fields: changed,
    });
    await PARTNER_SYNC[row.integrator]?.(tx, row.id);
    return { id, changed };
  });
}
