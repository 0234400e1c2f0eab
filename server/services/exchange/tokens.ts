import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database, Queryable } from "@/db/client";
import { partnerTokens } from "@/db/schema";
import type { IssuedToken, TokenCache } from "../../integrators/types";
import { openSecrets, sealSecrets } from "../security/secret-box";

/** A token this close to expiry is replaced before use, so a call never starts with one about to lapse. */
const REFRESH_BEFORE_MS = 5 * 60_000;

interface Cached {
  token: string;
  expiresAt: number;
}

/** Per process, in front of the table: most calls need no database read at all. */
const memory = new Map<string, Cached>();

const tokenContext = (companyId: number, integrationId: number) => `partner-token:${companyId}:${integrationId}`;
const usable = (c: Cached | undefined, rejected?: string): c is Cached =>
  !!c && c.token !== rejected && c.expiresAt - Date.now() > REFRESH_BEFORE_MS;

/**
 * The integration's token in PostgreSQL, shared by every worker and web replica. Refreshing takes a transaction-scoped
 * advisory lock, so one process obtains a token while the others wait for it and then read it.
 */
export function pgTokenCache(db: Queryable, integrationId: number, companyId: number, credentials: string): TokenCache {
  const context = tokenContext(companyId, integrationId);
  // A token belongs to the credentials it was obtained with: changed keys or address make it unusable at once.
  const fingerprint = createHash("sha256").update(credentials).digest("base64url");
  const memoryKey = `${integrationId}|${fingerprint}`;
  const read = async (q: Pick<Database, "select">): Promise<Cached | undefined> => {
    const [row] = await q
      .select({ sealed: partnerTokens.sealedToken, expiresAt: partnerTokens.expiresAt })
      .from(partnerTokens)
      .where(and(eq(partnerTokens.integrationId, integrationId), eq(partnerTokens.companyId, companyId)));
    if (!row) return undefined;
    try {
      const opened = openSecrets(row.sealed, context);
      if (opened.fingerprint !== fingerprint) return undefined;
      return { token: opened.token!, expiresAt: row.expiresAt.getTime() };
    } catch {
      return undefined; // sealed under another key or for another row: obtain a new one
    }
  };
  return {
    async get(obtain: () => Promise<IssuedToken>, rejected?: string) {
      const mem = memory.get(memoryKey);
      if (usable(mem, rejected)) return mem.token;
      const stored = await read(db);
      if (usable(stored, rejected)) {
        memory.set(memoryKey, stored);
        return stored.token;
      }
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext('partner_token'), ${integrationId})`);
        const again = await read(tx);
        if (usable(again, rejected)) {
          memory.set(memoryKey, again);
          return again.token;
        }
        const fresh = await obtain();
        const expiresAt = new Date(Date.now() + fresh.expiresInSec * 1000);
        const sealedToken = sealSecrets({ token: fresh.token, fingerprint }, context);
        await tx
          .insert(partnerTokens)
          .values({ integrationId, companyId, sealedToken, expiresAt })
          .onConflictDoUpdate({
            target: partnerTokens.integrationId,
            set: { sealedToken, expiresAt, updatedAt: sql`now()` },
          });
        memory.set(memoryKey, { token: fresh.token, expiresAt: expiresAt.getTime() });
        return fresh.token;
      });
    },
  };
}
