import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { apiSettings } from "@/db/schema";

/** Extra order fields a courier company may require of API orders, beyond MeaSoft's own minimum. */
export const REQUIRABLE_FIELDS = ["receiver.company", "sender.company", "sender.person", "sender.phone", "sender.address"] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

const TTL_MS = 60_000;
const cache = new Map<number, { fields: RequirableField[]; expires: number }>();

/** Read on every neworder; cached for a minute per company, so a settings change applies within a minute. */
export async function getRequiredFields(db: Queryable, companyId: number): Promise<RequirableField[]> {
  const hit = cache.get(companyId);
  if (hit && hit.expires > Date.now()) return hit.fields;
  const [row] = await db.select({ fields: apiSettings.requiredFields }).from(apiSettings).where(eq(apiSettings.companyId, companyId));
  const fields = (row?.fields ?? []).filter((f): f is RequirableField => (REQUIRABLE_FIELDS as readonly string[]).includes(f));
  if (cache.size > 10_000) cache.clear();
  cache.set(companyId, { fields, expires: Date.now() + TTL_MS });
  return fields;
}

export function clearRequiredFieldsCache() {
  cache.clear();
}
