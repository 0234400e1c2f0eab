import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { integrations, integrationSync, syncLog } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { getIntegrator } from "../../integrators/registry";
import { hookUrl } from "./addresses";
import { loadPartner, recordSyncState } from "./partner";

/** A partner may drop a subscription on its side (after failed deliveries): each is confirmed this often. */
const RECHECK_MS = 60 * 60_000;
/** After a refusal (no public address, the partner's limit) the next try waits this long. */
const RETRY_AFTER_ERROR_MS = 10 * 60_000;

interface Subscription {
  /** What the adapter keeps to unsubscribe, the address it subscribed, and when that was confirmed. */
  state?: Record<string, unknown>;
  url?: string;
  checkedAt?: string;
  message?: string;
  error?: boolean;
}

/**
 * Keeps partners' webhook subscriptions in line with the integrations: an enabled one is subscribed to its own
 * address (and re-confirmed hourly), a switched-off one unsubscribed. Only integrations whose adapter subscribes are
 * looked at, and only when something is due, so the clock can run it often.
 */
export async function syncSubscriptions(db: Database, now = Date.now()) {
  // One worker at a time: two would both find no subscription and both create one (partners cap them per account).
  return db.transaction(async (tx) => {
    const [lock] = await tx.execute<{ ok: boolean }>(
      sql`select pg_try_advisory_xact_lock(hashtext('partner_subscriptions')) as ok`,
    );
    return lock?.ok ? reconcileAll(db, now) : 0;
  });
}

async function reconcileAll(db: Database, now: number) {
  const rows = await db
    .select({
      id: integrations.id,
      companyId: integrations.companyId,
      integrator: integrations.integrator,
      enabled: integrations.enabled,
      hookKey: integrations.hookKey,
      partnerState: integrationSync.partnerState,
    })
    .from(integrations)
    .leftJoin(integrationSync, eq(integrationSync.integrationId, integrations.id));
  let changed = 0;
  for (const row of rows) {
    const receiver = getIntegrator(row.integrator)?.webhook;
    if (!receiver?.subscribe) continue;
    const sub = (row.partnerState?.subscription ?? {}) as Subscription;
    const age = sub.checkedAt ? now - Date.parse(sub.checkedAt) : Infinity;
    const wanted = row.enabled;
    if (!wanted && !sub.state) continue;
    const moved = sub.url !== hookUrl(row.integrator, row.hookKey);
    if (wanted && sub.state && !moved && age < RECHECK_MS) continue;
    if (wanted && sub.error && !moved && age < RETRY_AFTER_ERROR_MS) continue;
    await reconcile(db, row, sub);
    changed++;
  }
  return changed;
}

async function reconcile(
  db: Database,
  {
    id: integrationId,
    companyId,
    integrator,
    hookKey,
  }: { id: number; companyId: number; integrator: string; hookKey: string | null },
  sub: Subscription,
) {
  let next: Subscription;
  try {
    const p = await loadPartner(db, integrationId);
    const receiver = p?.adapter.webhook;
    if (!p || !receiver?.subscribe) return;
    if (!p.enabled) {
      if (sub.state && receiver.unsubscribe) await receiver.unsubscribe(p.settings, sub.state, p.options);
      next = { message: "Интеграция выключена: подписка на уведомления снята", checkedAt: new Date().toISOString() };
    } else {
      const done = await receiver.subscribe(p.settings, p.options);
      next = { state: done.state, url: p.options.hookUrl, message: done.message, checkedAt: new Date().toISOString() };
    }
  } catch (e) {
    if (!(e instanceof PartnerError)) throw e;
    next = {
      ...sub,
      url: hookUrl(integrator, hookKey),
      message: e.message,
      error: true,
      checkedAt: new Date().toISOString(),
    };
    await db.insert(syncLog).values({
      companyId,
      integrationId,
      kind: "status",
      ok: false,
      request: "Подписка на уведомления партнёра",
      result: e.message,
    });
  }
  const value = JSON.stringify({ subscription: next });
  await recordSyncState(
    db,
    integrationId,
    companyId,
    { partnerState: { subscription: next } },
    { partnerState: sql`coalesce(${integrationSync.partnerState}, '{}'::jsonb) || ${value}::jsonb` },
  );
}
