import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "@/db/client";
import { orders } from "@/db/schema";
import { createBranch, createClient, createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { appendStatus } from "@/server/services/orders/write";
import { xmlCall, type Answer } from "./helpers";

// The change feed only makes sense across committed transactions, so these tests run on a database of their own
// with real, separate connections.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let db: Database;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 8 });
  db = conn.db;
});
afterAll(async () => {
  await conn.sql.end();
  await iso.drop();
});

async function tenant() {
  const t = await createTenant(db);
  const auth = `<auth extra="${t.company.extraCode}" login="${t.client.login}" pass="shop"/>`;
  return { ...t, auth };
}

const numbers = (doc: Answer): string[] =>
  (doc.statusreq.order ?? []).map((o: { orderno: string }) => o.orderno).sort();

describe("change feed (statusreq changes=ONLY_LAST + commitlaststatus)", () => {
  it("returns changes until committed, keeps changes made between poll and commit, and keeps streams apart", async () => {
    const t = await tenant();
    const poll = async (extra = "") =>
      (
        await xmlCall(
          db,
          `<statusreq>${t.auth}<changes>ONLY_LAST</changes><quickstatus>NO</quickstatus>${extra}</statusreq>`,
        )
      ).doc;
    const commit = async (extra = "") =>
      (await xmlCall(db, `<commitlaststatus>${t.auth}${extra}</commitlaststatus>`)).doc;
    const [a, b] = await createOrders(db, t.company.id, t.client.id, 2, {});
    const other = await createClient(db, t.company.id);
    await createOrders(db, t.company.id, other.id, 1);

    const first = await poll();
    expect(numbers(first)).toEqual([a!.number, b!.number].sort());
    // Not acknowledged: returned again.
    expect(numbers(await poll())).toEqual([a!.number, b!.number].sort());
    // A change after the poll but before the commit must survive the commit.
    await db.transaction((tx) =>
      appendStatus(tx, { id: a!.id, companyId: t.company.id }, "ACCEPTED", "cabinet", new Date()),
    );
    expect((await commit()).commitlaststatus.error).toBe("0");
    const next = await poll();
    expect(numbers(next)).toEqual([a!.number]);
    expect(next.statusreq.order[0].status["#text"]).toBe("ACCEPTED");
    await commit();
    expect(numbers(await poll())).toEqual([]);
    // A second commit without a poll acknowledges nothing new.
    await commit();
    await db.transaction((tx) =>
      appendStatus(tx, { id: b!.id, companyId: t.company.id }, "DELIVERY", "cabinet", new Date()),
    );
    await commit();
    expect(numbers(await poll())).toEqual([b!.number]);

    // Stream 100 is independent of the default stream: it starts from the beginning.
    expect(numbers(await poll("<streamid>100</streamid>"))).toEqual([a!.number, b!.number].sort());
    await commit("<streamid>100</streamid>");
    expect(numbers(await poll("<streamid>100</streamid>"))).toEqual([]);
    // Field edits and responsible-branch changes are changes too; bag membership alone is not.
    await db.update(orders).set({ instruction: "Позвонить" }).where(eq(orders.id, a!.id));
    expect(numbers(await poll("<streamid>100</streamid>"))).toEqual([a!.number]);
    await commit("<streamid>100</streamid>");
  });

  it("feeds a partner (client=AGENT) the orders handed to its branch, and the shop sees the partner's status", async () => {
    const t = await tenant();
    const agent = await createClient(db, t.company.id, {
      kind: "courier",
      login: `agent_${t.company.id}`,
      password: "a",
    });
    const branch = await createBranch(db, t.company.id, { agentClientId: agent.id });
    const agentAuth = `<auth extra="${t.company.extraCode}" login="${agent.login}" pass="a"/>`;
    const [o] = await createOrders(db, t.company.id, t.client.id, 1);
    const agentPoll = async () =>
      (await xmlCall(db, `<statusreq>${agentAuth}<client>AGENT</client><changes>ONLY_LAST</changes></statusreq>`)).doc;
    expect(numbers(await agentPoll())).toEqual([]);
    await db.update(orders).set({ responsibleBranchId: branch.id }).where(eq(orders.id, o!.id));
    expect(numbers(await agentPoll())).toEqual([o!.number]);
    await xmlCall(db, `<commitlaststatus>${agentAuth}<client>AGENT</client></commitlaststatus>`);
    expect(numbers(await agentPoll())).toEqual([]);
    // The shop's feed (after acknowledging creation) shows the partner's report.
    await xmlCall(db, `<statusreq>${t.auth}<changes>ONLY_LAST</changes></statusreq>`);
    await xmlCall(db, `<commitlaststatus>${t.auth}</commitlaststatus>`);
    const set = await xmlCall(
      db,
      `<setorderinfo>${agentAuth}<order ordercode="${o!.id}"><status>COMPLETE</status><eventtime>2025-06-03 14:00:00</eventtime></order></setorderinfo>`,
    );
    expect(set.doc.setorderinfo.order[0].error).toBe("0");
    const shop = (await xmlCall(db, `<statusreq>${t.auth}<changes>ONLY_LAST</changes></statusreq>`)).doc;
    expect(shop.statusreq.order[0].status).toMatchObject({ "#text": "COMPLETE", eventtime: "2025-06-03 14:00:00" });
  });

  it("under concurrent writers loses nothing and returns nothing again after a commit", async () => {
    const t = await tenant();
    const WRITERS = 4;
    const PER_WRITER = 5;
    const CHANGES = 60;
    const created = await createOrders(db, t.company.id, t.client.id, WRITERS * PER_WRITER);
    const base = Date.UTC(2030, 0, 1);
    // Each change stamps the order with a strictly growing time, so a returned state tells which change it reflects.
    const written = new Map<number, number>(created.map((o) => [o.id, 0]));
    const statuses = ["ACCEPTED", "DEPARTURING", "DEPARTURE", "DELIVERY", "DATECHANGE"];
    let done = false;

    const writer = async (w: number) => {
      const mine = created.slice(w * PER_WRITER, (w + 1) * PER_WRITER);
      for (let i = 1; i <= CHANGES; i++) {
        const o = mine[i % mine.length]!;
        const seq = (written.get(o.id) ?? 0) + 1;
        await db.transaction(async (tx) => {
          await appendStatus(
            tx,
            { id: o.id, companyId: t.company.id },
            statuses[seq % statuses.length]!,
            "cabinet",
            new Date(base + seq * 1000),
          );
          // Some transactions stay open a while, so commits land out of transaction-id order.
          if ((i + w) % 3 === 0) await new Promise((r) => setTimeout(r, Math.random() * 15));
        });
        written.set(o.id, seq);
      }
    };

    const seen = new Map<number, number[]>();
    const numberToId = new Map(created.map((o) => [o.number, o.id]));
    const pollAndCommit = async () => {
      let doc = (
        await xmlCall(db, `<statusreq>${t.auth}<changes>ONLY_LAST</changes><streamid>777</streamid></statusreq>`)
      ).doc;
      // Sometimes the client polls twice before acknowledging: only the last poll counts.
      if (Math.random() < 0.3)
        doc = (
          await xmlCall(db, `<statusreq>${t.auth}<changes>ONLY_LAST</changes><streamid>777</streamid></statusreq>`)
        ).doc;
      expect(doc.statusreq.error).toBeUndefined();
      for (const o of doc.statusreq.order ?? []) {
        const id = numberToId.get(o.orderno)!;
        const at = Date.parse(`${o.status.eventtime.replace(" ", "T")}+03:00`);
        const seq = at >= base ? Math.round((at - base) / 1000) : 0;
        (seen.get(id) ?? seen.set(id, []).get(id)!).push(seq);
      }
      const c = await xmlCall(db, `<commitlaststatus>${t.auth}<streamid>777</streamid></commitlaststatus>`);
      expect(c.doc.commitlaststatus.error).toBe("0");
    };

    const poller = async () => {
      while (!done) {
        await pollAndCommit();
        await new Promise((r) => setTimeout(r, 5));
      }
      await pollAndCommit();
    };
    const p = poller();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    done = true;
    await p;

    for (const o of created) {
      const s = seen.get(o.id) ?? [];
      // Nothing lost: the last state delivered is the last state written.
      expect(s.at(-1)).toBe(written.get(o.id));
      // Nothing returned again after a commit: each delivery of an order reflects a newer change.
      for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]!);
    }
    // And the feed is drained.
    const last = (
      await xmlCall(db, `<statusreq>${t.auth}<changes>ONLY_LAST</changes><streamid>777</streamid></statusreq>`)
    ).doc;
    expect(last.statusreq.count).toBe("0");
  });

  it("serializes concurrent polls of one stream without losing a change", async () => {
    const t = await tenant();
    const created = await createOrders(db, t.company.id, t.client.id, 3);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => xmlCall(db, `<statusreq>${t.auth}<changes>ONLY_LAST</changes></statusreq>`)),
    );
    for (const r of results) expect(numbers(r.doc)).toEqual(created.map((o) => o.number).sort());
  });
});
