import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, integrationSync, orderChanges } from "@/db/schema";
import { getIntegrator } from "../../integrators/registry";

/** Enabled integrations whose partner is asked for statuses (feed or per order) and whose last poll is `seconds` old. */
export async function integrationsDueForPoll(db: Queryable, seconds: number): Promise<number[]> {
  const rows = await db
    .select({ id: integrations.id, integrator: integrations.integrator })
    .from(integrations)
    .leftJoin(integrationSync, eq(integrationSync.integrationId, integrations.id))
    .where(
      and(
        eq(integrations.enabled, true),
        or(
          isNull(integrationSync.lastPollAt),
          lte(integrationSync.lastPollAt, sql`now() - make_interval(secs => ${seconds})`),
        ),
      ),
    );
  return rows
    .filter((r) => {
      const source = getIntegrator(r.integrator)?.statusSource;
      return source !== undefined && source.kind !== "webhook";
    })
    .map((r) => r.id);
}

/**
 * Change-feed rows only matter until every stream has polled past them; a stream silent for half a year starts from
 * what is left.
 */
export async function sweepOrderChanges(db: Queryable, maxAgeDays = 180): Promise<void> {
  await db.delete(orderChanges).where(lte(orderChanges.at, new Date(Date.now() - maxAgeDays * 86_400_000)));
}
