import bcrypt from "bcryptjs";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDatabase, type Queryable } from "@/db/client";
import { securityEvents } from "@/db/schema";
import { createClient, createStaff, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase, withTestTransaction } from "@/db/test/helpers";
import { handleXmlRequest } from "@/server/xmlapi/handler";
import { authenticate } from "../auth/authenticate";
import { listSecurityEvents } from "../security/list-events";
import { THROTTLE } from "../security/throttle";

const WRONG = { code: "UNAUTHORIZED", message: "Неверный код службы, логин или пароль" };
const REFUSED = { code: "TOO_MANY_REQUESTS" };
const bcryptCalls = () => vi.spyOn(bcrypt, "compare");

/** One login of one company, tried with a password from an address. */
function account(db: Queryable, extra: number, login: string) {
  return (password: string, ip: string) => authenticate(db, { extra, login, password }, ip);
}
const ignore = () => {};

afterEach(() => vi.restoreAllMocks());

describe("sign-in", () => {
  it("signs in staff and client accounts by courier code + login + password", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const asText = { extra: String(t.company.extraCode), login: t.staff.login, password: "secret" };
      const staff = await authenticate(tx, asText, "10.0.0.1");
      expect(staff.actor).toMatchObject({ type: "staff", companyId: t.company.id, role: "admin" });
      const client = await account(tx, t.company.extraCode, t.client.login!)("shop", "10.0.0.1");
      expect(client.actor).toEqual({ type: "client", companyId: t.company.id, clientId: t.client.id });
    }));

  it("gives one message for a wrong code, login or password", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const noPassword = await createClient(tx, t.company.id, { login: "nopass" });
      const attempts = [
        { extra: 999_999_9, login: t.staff.login, password: "secret" },
        { extra: t.company.extraCode, login: "nobody", password: "secret" },
        { extra: t.company.extraCode, login: t.staff.login, password: "wrong" },
        { extra: t.company.extraCode, login: noPassword.login!, password: "" + "x" },
      ];
      for (const a of attempts) await expect(authenticate(tx, a, "10.0.0.2")).rejects.toMatchObject(WRONG);
    }));

  it("refuses a code beyond int4 with a message, not a database error", () =>
    withTestTransaction(async (tx) => {
      const attempt = authenticate(tx, { extra: "99999999999", login: "a", password: "b" }, "10.0.0.3");
      await expect(attempt).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }));
});

describe("sign-in throttle", () => {
  it("blocks a (login, IP) pair after the allowed failures without running bcrypt, until the window passes", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const admin = account(tx, t.company.extraCode, t.staff.login);
      for (let i = 0; i < THROTTLE.pairLimit; i++) await expect(admin("bad", "10.1.0.1")).rejects.toMatchObject(WRONG);
      const spy = bcryptCalls();
      await expect(admin("secret", "10.1.0.1")).rejects.toMatchObject(REFUSED);
      expect(spy).not.toHaveBeenCalled();
      await tx.execute(sql`update auth_throttle
        set window_start = now() - interval '16 minutes', updated_at = now() - interval '16 minutes'`);
      await expect(admin("secret", "10.1.0.1")).resolves.toMatchObject({ actor: { type: "staff" } });
    }));

  it("an attack from many other IPs never locks the admin out from a clean IP", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const admin = account(tx, t.company.extraCode, t.staff.login);
      for (let ip = 1; ip <= 20; ip++) {
        for (let i = 0; i < THROTTLE.pairLimit + 2; i++) await admin(`guess${i}`, `198.51.100.${ip}`).catch(ignore);
      }
      await expect(admin("secret", "203.0.113.50")).resolves.toMatchObject({ actor: { role: "admin" } });
      // The owner's usual address stays trusted after a success, typos and all.
      await admin("typo", "203.0.113.50").catch(ignore);
      await expect(admin("secret", "203.0.113.50")).resolves.toMatchObject({ actor: { role: "admin" } });
    }));

  it("slows a login under attack for networks that already failed for it", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const admin = account(tx, t.company.extraCode, t.staff.login);
      for (let ip = 1; ip <= THROTTLE.slowAfter; ip++) await admin("x", `198.51.100.${ip}`).catch(ignore);
      // Second try from a failing network: the first runs and sets the spacing, the next is refused for now.
      await expect(admin("y", "198.51.100.1")).rejects.toMatchObject(WRONG);
      await expect(admin("secret", "198.51.100.2")).rejects.toMatchObject({
        ...REFUSED,
        message: expect.stringMatching(/Повторите через \d+ с/),
      });
    }));

  it("throttles one IP trying many logins", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      // Unknown logins cost a dummy bcrypt each; this test is about counting, not hashing.
      bcryptCalls().mockResolvedValue(false as never);
      for (let i = 0; i < THROTTLE.networkLimit; i++) {
        await account(tx, t.company.extraCode, `guess${i}`)("x", "10.9.9.9").catch(ignore);
      }
      const admin = account(tx, t.company.extraCode, t.staff.login);
      await expect(admin("secret", "10.9.9.9")).rejects.toMatchObject(REFUSED);
    }));

  it("one login retrying a wrong password does not lock out the other accounts behind the same address", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const stale = await createStaff(tx, t.company.id, { password: "changed" });
      const misconfigured = account(tx, t.company.extraCode, stale.login);
      for (let i = 0; i < 3 * THROTTLE.networkLimit; i++) await misconfigured("old", "10.7.7.7").catch(ignore);
      await expect(misconfigured("changed", "10.7.7.7")).rejects.toMatchObject(REFUSED);
      const admin = await account(tx, t.company.extraCode, t.staff.login)("secret", "10.7.7.7");
      expect(admin.actor).toMatchObject({ type: "staff", role: "admin" });
    }));

  it("an IPv6 attacker rotating addresses inside one /64 stays one network", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const admin = account(tx, t.company.extraCode, t.staff.login);
      for (let i = 1; i <= THROTTLE.pairLimit; i++) await admin("x", `2001:db8:1:2::${i.toString(16)}`).catch(ignore);
      await expect(admin("secret", "2001:db8:1:2::ffff")).rejects.toMatchObject(REFUSED);
    }));

  it("100 parallel wrong passwords: at most the allowed number reach bcrypt", async () => {
    const iso = await createIsolatedDatabase();
    const { db, sql: pool } = createDatabase(iso.url, { max: 20 });
    try {
      const t = await createTenant(db);
      const admin = account(db, t.company.extraCode, t.staff.login);
      const spy = bcryptCalls();
      const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => admin(`guess${i}`, "192.0.2.66")));
      const checked = spy.mock.calls.length;
      expect(checked).toBeLessThanOrEqual(THROTTLE.pairLimit);
      const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "OK"));
      expect(codes.filter((c) => c === "UNAUTHORIZED")).toHaveLength(checked);
      expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(100 - checked);
    } finally {
      await pool.end();
      await iso.drop();
    }
  });

  it("XML API: guessing a staff password with clientcode is throttled by the same counters", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const staff = await createStaff(tx, t.company.id, { password: "right-one" });
      const auth = (pass: string) =>
        `<auth extra="${t.company.extraCode}" login="${staff.login}" pass="${pass}" clientcode="${t.client.id}"/>`;
      const xml = async (pass: string, ip: string) =>
        (await handleXmlRequest({ db: tx, body: `<statusreq>${auth(pass)}</statusreq>`, ip })).body;
      const spy = bcryptCalls();
      for (let i = 0; i < 15; i++) expect(await xml(`guess${i}`, "192.0.2.77")).toMatch(/error="25"/);
      expect(spy.mock.calls.length).toBe(THROTTLE.pairLimit);
      expect(await xml("right-one", "192.0.2.77")).toMatch(/error="25"/);
      // The cabinet door shares the counters: the same pair is refused there too.
      const cabinet = account(tx, t.company.extraCode, staff.login);
      await expect(cabinet("right-one", "192.0.2.77")).rejects.toMatchObject(REFUSED);
      expect(await xml("right-one", "203.0.113.9")).not.toMatch(/error="25"/);
    }));

  it("XML API: a module's parallel first requests with the right password are all let in (one check)", async () => {
    const iso = await createIsolatedDatabase();
    const { db, sql: pool } = createDatabase(iso.url, { max: 20 });
    try {
      const t = await createTenant(db);
      const auth = `<auth extra="${t.company.extraCode}" login="${t.client.login}" pass="shop"/>`;
      const spy = bcryptCalls();
      const answers = await Promise.all(
        Array.from({ length: 3 * THROTTLE.pairLimit }, () =>
          handleXmlRequest({ db, body: `<statusreq>${auth}</statusreq>`, ip: "192.0.2.55" }),
        ),
      );
      expect(answers.filter((a) => /error="25"/.test(a.body))).toHaveLength(0);
      expect(spy.mock.calls.length).toBe(1);
    } finally {
      await pool.end();
      await iso.drop();
    }
  });

  it("logs failed, blocked and slowed attempts for the company's admins only", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const admin = account(tx, t.company.extraCode, t.staff.login);
      for (let i = 0; i < THROTTLE.pairLimit + 3; i++) await admin("x", "192.0.2.88").catch(ignore);
      // The login is now under attack: a second network that keeps failing for it is spaced out (its third try).
      for (let i = 0; i < 3; i++) await admin("x", "192.0.2.99").catch(ignore);
      const journal = await listSecurityEvents({ ctx: t.staffCtx, input: {} });
      expect(journal.items.map((e) => [e.kind, e.door, e.login, e.ip, e.count])).toEqual(
        expect.arrayContaining([
          ["failed", "cabinet", t.staff.login, "192.0.2.88", THROTTLE.pairLimit],
          ["blocked", "cabinet", t.staff.login, "192.0.2.88", 3],
          ["failed", "cabinet", t.staff.login, "192.0.2.99", 2],
          ["slowed", "cabinet", t.staff.login, "192.0.2.99", 1],
        ]),
      );
      const refused = await listSecurityEvents({ ctx: t.staffCtx, input: { kind: "refused" } });
      expect(refused.items.map((e) => e.kind).sort()).toEqual(["blocked", "slowed"]);
      expect((await listSecurityEvents({ ctx: other.staffCtx, input: {} })).items).toEqual([]);
      await expect(listSecurityEvents({ ctx: t.clientCtx, input: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const operator = { ...t.staffCtx, actor: { ...t.staffCtx.actor, role: "operator" } } as typeof t.staffCtx;
      await expect(listSecurityEvents({ ctx: operator, input: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(securityEvents);
      expect(row!.n).toBe(4);
    }));
});
