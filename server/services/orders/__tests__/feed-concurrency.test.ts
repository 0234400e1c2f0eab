import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "@/db/client";
import { createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { appendStatus } from "@/server/services/orders/write";
import { xmlCall, type Answer } from "@/server/xmlapi/__tests__/helpers";

// Issue 8, defect 11: 20 parallel consumers of one change-feed stream got code 13 on 9.4 % of polls
// (serialization failures surfaced instead of retried). Real connections on a database of its own.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let db: Database;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 10 });
  db = conn.db;
});
afterAll(async () => {
  await conn.sql.end();
  await iso.drop();
});

describe("change feed under 20 parallel consumers of one stream", () => {
  it("answers every poll and commit without code 13, loses nothing, returns nothing twice to a consumer", async () => {
    const t = await createTenant(db);
    const auth = `<auth extra="${t.company.extraCode}" login="${t.client.login}" pass="shop"/>`;
    const POLL = `<statusreq>${auth}<changes>ONLY_LAST</changes><streamid>555</streamid></statusreq>`;
    const COMMIT = `<commitlaststatus>${auth}<streamid>555</streamid></commitlaststatus>`;
    const CONSUMERS = 20;
    const ROUNDS = 4;
    const created = await createOrders(db, t.company.id, t.client.id, 10);
    const numberToId = new Map(created.map((o) => [o.number, o.id]));
    const base = Date.UTC(2030, 0, 1);
    const written = new Map<number, number>(created.map((o) => [o.id, 0]));
    let done = false;

    // One writer stamps each change with a strictly growing event time, so a returned state tells which change it is.
    const writer = async () => {
      for (let i = 0; i < 40; i++) {
        const o = created[i % created.length]!;
        const seq = written.get(o.id)! + 1;
        const at = new Date(base + seq * 1000);
        const ref = { id: o.id, companyId: t.company.id };
        await db.transaction((tx) => appendStatus(tx, ref, "DELIVERY", "cabinet", at));
        written.set(o.id, seq);
        await new Promise((r) => setTimeout(r, 3));
      }
    };

    const errors: string[] = [];
    const answers = { polls: 0, commits: 0 };
    const lastSeen = new Map<number, number>();
    const seqOf = (o: Answer) => {
      const at = Date.parse(`${o.status.eventtime.replace(" ", "T")}+03:00`);
      return at >= base ? Math.round((at - base) / 1000) : 0;
    };
    const consumer = async () => {
      const mine = new Map<number, number[]>();
      const round = async () => {
        const poll = await xmlCall(db, POLL);
        answers.polls++;
        if (poll.doc.statusreq?.error !== undefined) errors.push(poll.xml);
        for (const o of poll.doc.statusreq?.order ?? []) {
          const id = numberToId.get(o.orderno)!;
          const seq = seqOf(o);
          (mine.get(id) ?? mine.set(id, []).get(id)!).push(seq);
          lastSeen.set(id, Math.max(lastSeen.get(id) ?? 0, seq));
        }
        const commit = await xmlCall(db, COMMIT);
        answers.commits++;
        if (commit.doc.commitlaststatus?.error !== "0") errors.push(commit.xml);
      };
      for (let r = 0; r < ROUNDS || !done; r++) await round();
      await round();
      return mine;
    };

    // One sign-in first: this test is about the feed, not about 20 simultaneous first sign-ins of one login.
    expect((await xmlCall(db, COMMIT)).doc.commitlaststatus.error).toBe("0");
    const consumers = Array.from({ length: CONSUMERS }, () => consumer());
    await writer();
    done = true;
    const perConsumer = await Promise.all(consumers);

    expect(errors).toEqual([]);
    expect(answers.polls).toBeGreaterThanOrEqual(CONSUMERS * (ROUNDS + 1));
    // Nothing lost: every order's last written state reached some consumer.
    for (const o of created) expect(lastSeen.get(o.id) ?? 0).toBe(written.get(o.id));
    // Nothing returned twice: after its own commit a consumer only ever sees newer states of an order.
    for (const mine of perConsumer) {
      for (const seqs of mine.values()) {
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
      }
    }
    // And the stream is drained.
    const last = await xmlCall(db, POLL);
    expect(last.doc.statusreq.count).toBe("0");
  });
});
