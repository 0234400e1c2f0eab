import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { takePartnerSlot } from "../pace";

let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let workers: ReturnType<typeof createDatabase>[];

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  // Two workers: two processes' worth of connections, meeting only in PostgreSQL.
  workers = [createDatabase(iso.url, { max: 4 }), createDatabase(iso.url, { max: 4 })];
});

afterAll(async () => {
  for (const w of workers ?? []) await w.sql.end();
  await iso?.drop();
});

describe("a partner gate's pace shared by all workers", () => {
  it("two workers calling at once never exceed 4 requests in any second together", async () => {
    const key = `gate-${randomBytes(4).toString("hex")}`;
    const at: number[] = [];
    const call = async (db: (typeof workers)[number]["db"]) => {
      await takePartnerSlot(db, key, 4);
      at.push(Date.now());
    };
    await Promise.all(workers.flatMap((w) => Array.from({ length: 6 }, () => call(w.db))));
    at.sort((a, b) => a - b);
    expect(at).toHaveLength(12);
    for (const t of at) expect(at.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(4);
  });

  it("gates do not share a pace", async () => {
    const waits = await Promise.all(
      Array.from({ length: 4 }, (_, i) => takePartnerSlot(workers[i % 2]!.db, `gate-${i}-${Date.now()}`, 4)),
    );
    // Each gate's first call has its slot at once; one shared pace would have made three of them wait.
    expect(waits).toEqual([0, 0, 0, 0]);
  });
});
