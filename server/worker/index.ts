import cron from "node-cron";
import { lt } from "drizzle-orm";
import { createDatabase } from "../../db/client";
import { loginAttempts, orderChanges } from "../../db/schema";

// The background process. Every replica may run this; each job below is safe to run concurrently.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("[worker] DATABASE_URL is not set");
  process.exit(1);
}
const { db, sql } = createDatabase(url, { max: 5 });
const log = (m: string) => console.log(`[worker] ${m}`);

// Sign-in throttling only looks 15 minutes back; older failures are dead weight.
const sweepLoginAttempts = cron.schedule(
  "*/10 * * * *",
  async () => {
    await db.delete(loginAttempts).where(lt(loginAttempts.at, new Date(Date.now() - 24 * 3_600_000)));
  },
  { noOverlap: true, name: "sweep-login-attempts" },
);

// Change-feed rows only matter until every stream has polled past them; a stream silent for half a year starts
// from what is left.
const sweepOrderChanges = cron.schedule(
  "17 3 * * *",
  async () => {
    await db.delete(orderChanges).where(lt(orderChanges.at, new Date(Date.now() - 180 * 86_400_000)));
  },
  { noOverlap: true, name: "sweep-order-changes" },
);

log("запущен");

async function shutdown() {
  log("останавливаюсь");
  await sweepLoginAttempts.stop();
  await sweepOrderChanges.stop();
  await sql.end({ timeout: 10 });
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
