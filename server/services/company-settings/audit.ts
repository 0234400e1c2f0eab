import { and, desc, eq, lt } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { companyAudit } from "@/db/schema";
import type { Actor, ServiceCall } from "../context";
import { assertAdmin } from "../context";
import { actorLabel } from "../integrations/shared";
import { auditListSchema } from "./schemas";
import { parseForm } from "./parse";

export type AuditSection = "requisites" | "api" | "service" | "tariff" | "zone" | "user";
export type Changes = Record<string, [unknown, unknown]>;

/** Field → [before, after] for the fields that differ; `undefined` sides are stored as null. */
export function diff<T extends Record<string, unknown>>(before: Partial<T> | null, after: Partial<T> | null): Changes {
  const out: Changes = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    const a = before?.[k] ?? null;
    const b = after?.[k] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = [a, b];
  }
  return out;
}

/** One audit row in the caller's transaction, so a change and its record commit or roll back together. */
export async function writeCompanyAudit(
  db: Queryable,
  actor: Actor,
  entry: { section: AuditSection; action: string; subject?: string | null; changes?: Changes },
) {
  const who = await actorLabel(db, actor);
  await db.insert(companyAudit).values({
    companyId: actor.companyId,
    actorUserId: who.userId,
    actorName: who.name,
    section: entry.section,
    action: entry.action,
    subject: entry.subject ?? null,
    changes: entry.changes ?? {},
  });
}

/** The settings page's journal, newest first, 50 a page (keyset by id). */
export async function listCompanyAudit({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { section, cursor: before } = parseForm(auditListSchema, input ?? {});
  const rows = await ctx.db
    .select({
      id: companyAudit.id,
      at: companyAudit.at,
      actorName: companyAudit.actorName,
      section: companyAudit.section,
      action: companyAudit.action,
      subject: companyAudit.subject,
      changes: companyAudit.changes,
    })
    .from(companyAudit)
    .where(
      and(
        eq(companyAudit.companyId, ctx.actor.companyId),
        section ? eq(companyAudit.section, section) : undefined,
        before ? lt(companyAudit.id, before) : undefined,
      ),
    )
    .orderBy(desc(companyAudit.id))
    .limit(51);
  return { items: rows.slice(0, 50), next: rows.length > 50 ? rows[49]!.id : null };
}
