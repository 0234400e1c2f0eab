import { createIsolatedDatabase } from "./helpers";
import { createSyncPair, type SyncPair } from "./sync-pair";

/** Two deployments with databases of their own; `dispose` closes and drops both. */
export async function createIsolatedSyncPair(): Promise<
  SyncPair & { urlA: string; urlB: string; dispose(): Promise<void> }
> {
  const dbA = await createIsolatedDatabase();
  const dbB = await createIsolatedDatabase();
  const p = await createSyncPair(dbA.url, dbB.url);
  return Object.assign(p, {
    urlA: dbA.url,
    urlB: dbB.url,
    async dispose() {
      await p.close();
      await dbA.drop();
      await dbB.drop();
    },
  });
}
