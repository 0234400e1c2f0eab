import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { apiSettings } from "@/db/schema";

/** Extra order fields a courier company may require of API orders, beyond MeaSoft's own minimum. */
export const REQUIRABLE_FIELDS = [
  "receiver.company",
  "sender.company",
  "sender.person",
  "sender.phone",
  "sender.address",
] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

const TTL_MS = 60_000;
export interface ApiOrderRules {
  required: RequirableField[];
  /** Towns must be found in the reference (errors 5/6); otherwise unknown towns are stored as typed. */
  strictTowns: boolean;
}

const cache = new Map<number, { rules: ApiOrderRules; expires: number }>();

/** Read on every neworder; cached for a minute per company, so a settings change applies within a minute. */
export async function getApiOrderRules(db: Queryable, companyId: number): Promise<ApiOrderRules> {
  const hit = cache.get(companyId);
  if (hit && hit.expires > Date.now()) return hit.rules;
  const [row] = await db
    .select({ fields: apiSettings.requiredFields, strictTowns: apiSettings.strictTowns })
    .from(apiSettings)
    .where(eq(apiSettings.companyId, companyId));
  const required = (row?.fields ?? []).filter((f): f is RequirableField =>
    (REQUIRABLE_FIELDS as readonly string[]).includes(f),
  );
  const rules = { required, strictTowns: row?.strictTowns ?? false };
  if (cache.size > 10_000) cache.clear();
  cache.set(companyId, { rules, expires: Date.now() + TTL_MS });
  return rules;
}

export function clearRequiredFieldsCache() {
  cache.clear();
}
