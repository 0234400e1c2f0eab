import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "@/db/client";
import { companyAudit, staffUsers } from "@/db/schema";
import { createStaff, createTenant, ctxFor } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { authenticate } from "@/server/services/auth/authenticate";
import { sessionIsCurrent } from "@/server/services/auth/sessions";
import type { Actor } from "@/server/services/context";
import { THROTTLE } from "@/server/services/security/throttle";
import { createCaller } from "@/server/trpc/root";
import { apiTenant, order, xmlCall } from "@/server/xmlapi/__tests__/helpers";
import { changeOwnPassword, createUser, listUsers, removeUser, resetUserPassword, setUserRole } from "..";

type StaffActor = Extract<Actor, { type: "staff" }>;

async function adminAndUser(tx: Transaction, role: "operator" | "readonly" = "operator") {
  const t = await createTenant(tx);
  const admin = t.staffCtx;
  const { id } = await createUser({
    ctx: admin,
    input: { login: "ivanova", name: "Иванова Анна", role, password: "первый-пароль" },
  });
  const actor: StaffActor = { type: "staff", companyId: t.company.id, userId: id, role };
  return { t, admin, id, actor };
}

const signIn = (tx: Transaction, extra: number, login: string, password: string) =>
  authenticate(tx, { extra, login, password }, "198.51.100.7");

/** What server/auth.ts checks on every request of a signed-in session. */
async function sessionOf(tx: Transaction, extra: number, login: string, password: string) {
  const u = await signIn(tx, extra, login, password);
  return { actor: u.actor, sessionVersion: u.sessionVersion, sessionId: `s-${login}-${u.sessionVersion}` };
}

describe("staff users", () => {
  it("an admin adds a user who signs in with its role; the password is stored hashed", () =>
    withTestTransaction(async (tx) => {
      const { t, admin, id } = await adminAndUser(tx, "readonly");
      const u = await signIn(tx, t.company.extraCode, "ivanova", "первый-пароль");
      expect(u.actor).toEqual({ type: "staff", companyId: t.company.id, userId: id, role: "readonly" });
      const [row] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id));
      expect(row!.passwordHash).toMatch(/^\$2[aby]\$10\$/);
      const list = await listUsers({ ctx: admin, input: undefined });
      expect(list.map((r) => [r.login, r.role, r.isMe])).toEqual(
        expect.arrayContaining([
          ["ivanova", "readonly", false],
          [t.staff.login, "admin", true],
        ]),
      );
      expect(JSON.stringify(list)).not.toContain("$2");
    }));

  it("refuses a taken login, a client's login, a short password, and non-admins", () =>
    withTestTransaction(async (tx) => {
      const { t, admin, actor } = await adminAndUser(tx);
      const input = { login: "ivanova", name: "Другая", role: "operator", password: "12345678" };
      await expect(createUser({ ctx: admin, input })).rejects.toMatchObject({
        code: "CONFLICT",
        fieldErrors: { login: ["Пользователь с таким логином уже есть"] },
      });
      await expect(createUser({ ctx: admin, input: { ...input, login: t.client.login } })).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await expect(createUser({ ctx: admin, input: { ...input, login: "new", password: "1234567" } })).rejects.toThrow(
        /не короче 8/,
      );
      await expect(createUser({ ctx: ctxFor(tx, actor), input: { ...input, login: "x" } })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(listUsers({ ctx: t.clientCtx, input: undefined })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }));

  it("a removed user's session stops working at its next request, sign-in refuses it, its login is free again", () =>
    withTestTransaction(async (tx) => {
      const { t, admin, id } = await adminAndUser(tx);
      const session = await sessionOf(tx, t.company.extraCode, "ivanova", "первый-пароль");
      expect(await sessionIsCurrent(tx, session)).toBe(true);

      await removeUser({ ctx: admin, input: { id } });
      expect(await sessionIsCurrent(tx, session)).toBe(false);
      await expect(signIn(tx, t.company.extraCode, "ivanova", "первый-пароль")).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
      expect((await listUsers({ ctx: admin, input: undefined })).map((u) => u.login)).not.toContain("ivanova");
      // The row stays for the audit trail, and a new colleague may take the login.
      const [row] = await tx.select().from(staffUsers).where(eq(staffUsers.id, id));
      expect(row!.removedAt).toBeInstanceOf(Date);
      await createUser({
        ctx: admin,
        input: { login: "ivanova", name: "Новая", role: "operator", password: "второй-пароль" },
      });
      expect((await signIn(tx, t.company.extraCode, "ivanova", "второй-пароль")).actor).not.toMatchObject({
        userId: id,
      });
      // Removed users are as unknown as missing ones.
      await expect(removeUser({ ctx: admin, input: { id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }));

  it("a role change and a password reset end the user's sessions (the old role must not linger in a cookie)", () =>
    withTestTransaction(async (tx) => {
      const { t, admin, id } = await adminAndUser(tx);
      const s1 = await sessionOf(tx, t.company.extraCode, "ivanova", "первый-пароль");
      await setUserRole({ ctx: admin, input: { id, role: "readonly" } });
      expect(await sessionIsCurrent(tx, s1)).toBe(false);
      const s2 = await sessionOf(tx, t.company.extraCode, "ivanova", "первый-пароль");
      expect(s2.actor).toMatchObject({ role: "readonly" });
      await resetUserPassword({ ctx: admin, input: { id, password: "сброшенный-1" } });
      expect(await sessionIsCurrent(tx, s2)).toBe(false);
      await expect(signIn(tx, t.company.extraCode, "ivanova", "первый-пароль")).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
      expect((await signIn(tx, t.company.extraCode, "ivanova", "сброшенный-1")).actor).toMatchObject({ userId: id });
    }));

  it("the last admin can neither demote nor remove itself; with a second admin it can", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const me = (t.staffCtx.actor as StaffActor).userId;
      const last = /хотя бы один администратор/;
      await expect(setUserRole({ ctx: t.staffCtx, input: { id: me, role: "operator" } })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(last),
      });
      await expect(removeUser({ ctx: t.staffCtx, input: { id: me } })).rejects.toMatchObject({ code: "CONFLICT" });
      const [row] = await tx.select().from(staffUsers).where(eq(staffUsers.id, me));
      expect(row!.role).toBe("admin");

      const other = await createStaff(tx, t.company.id, { role: "admin" });
      await setUserRole({ ctx: t.staffCtx, input: { id: me, role: "operator" } });
      // Now `other` is the last admin: removing it is refused too.
      const otherCtx = ctxFor(tx, { type: "staff", companyId: t.company.id, userId: other.id, role: "admin" });
      await expect(removeUser({ ctx: otherCtx, input: { id: other.id } })).rejects.toMatchObject({ code: "CONFLICT" });
      await removeUser({ ctx: otherCtx, input: { id: me } });
      // Another company's admins do not count.
      await createTenant(tx);
      await expect(setUserRole({ ctx: otherCtx, input: { id: other.id, role: "readonly" } })).rejects.toMatchObject({
        code: "CONFLICT",
      });
    }));

  it("«Сменить пароль»: the old password is required, wrong guesses are throttled, then every session ends", () =>
    withTestTransaction(async (tx) => {
      const { t, actor } = await adminAndUser(tx, "readonly");
      const extra = t.company.extraCode;
      const session = await sessionOf(tx, extra, "ivanova", "первый-пароль");
      // A read-only user may change its own password: through tRPC, past the read-only guard.
      const caller = createCaller({ db: tx, actor });
      await expect(
        caller.users.changeOwnPassword({ oldPassword: "первый-пароль", newPassword: "short" }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      for (let i = 0; i < THROTTLE.pairLimit; i++) {
        await expect(
          caller.users.changeOwnPassword({ oldPassword: `guess-${i}`, newPassword: "новый-пароль-1" }),
        ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Текущий пароль указан неверно" });
      }
      // Past the limit even the right password waits: a stolen session cannot guess without end.
      await expect(
        changeOwnPassword({
          ctx: ctxFor(tx, actor),
          input: { oldPassword: "первый-пароль", newPassword: "новый-пароль-1" },
        }),
      ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
      expect(await sessionIsCurrent(tx, session)).toBe(true);

      // Lift this user's throttle as 15 minutes passing would.
      await tx.execute(sql`delete from auth_throttle where bucket like ${`%password-change:${actor.userId}`}`);
      expect(
        await caller.users.changeOwnPassword({ oldPassword: "первый-пароль", newPassword: "новый-пароль-1" }),
      ).toEqual({ signedOut: true });
      expect(await sessionIsCurrent(tx, session)).toBe(false);
      await expect(signIn(tx, extra, "ivanova", "первый-пароль")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
      expect((await signIn(tx, extra, "ivanova", "новый-пароль-1")).actor).toMatchObject({ userId: actor.userId });
      // A client changes its password on its card, not here.
      await expect(
        changeOwnPassword({ ctx: t.clientCtx, input: { oldPassword: "shop", newPassword: "новый-пароль-1" } }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }));

  it("every change is in the company's audit: who, what, which fields", () =>
    withTestTransaction(async (tx) => {
      const { t, admin, id, actor } = await adminAndUser(tx);
      await setUserRole({ ctx: admin, input: { id, role: "readonly" } });
      await resetUserPassword({ ctx: admin, input: { id, password: "сброшенный-1" } });
      await changeOwnPassword({
        ctx: ctxFor(tx, { ...actor, role: "readonly" }),
        input: { oldPassword: "сброшенный-1", newPassword: "свой-пароль-1" },
      });
      await removeUser({ ctx: admin, input: { id } });
      const rows = await tx
        .select()
        .from(companyAudit)
        .where(and(eq(companyAudit.companyId, t.company.id), eq(companyAudit.section, "user")))
        .orderBy(companyAudit.id);
      expect(rows.map((r) => [r.action, r.subject, r.actorUserId])).toEqual([
        ["create", "ivanova", t.staff.id],
        ["role", "ivanova", t.staff.id],
        ["password-reset", "ivanova", t.staff.id],
        ["password-change", "ivanova", id],
        ["remove", "ivanova", t.staff.id],
      ]);
      expect(rows[1]!.changes).toEqual({ role: ["Оператор", "Только просмотр"] });
      expect(rows[0]!.actorName).toContain(t.staff.login);
      expect(JSON.stringify(rows)).not.toContain("сброшенный");
    }));
});

describe("the XML API as a read-only staff user (clientcode)", () => {
  it("reads, and is refused every write as an authorization error; an operator writes", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const ro = await createStaff(tx, t.company.id, { role: "readonly", password: "ro-pass" });
      const op = await createStaff(tx, t.company.id, { role: "operator", password: "op-pass" });
      const auth = (login: string, pass: string) =>
        `<auth extra="${t.company.extraCode}" login="${login}" pass="${pass}" clientcode="${t.client.id}"/>`;

      const refused = await xmlCall(tx, `<neworder>${auth(ro.login, "ro-pass")}${order("RO-1")}</neworder>`);
      expect(refused.doc.neworder.createorder[0].error).toBe("1");
      const cancel = await xmlCall(
        tx,
        `<cancelorder>${auth(ro.login, "ro-pass")}<order orderno="RO-1"/></cancelorder>`,
      );
      expect(cancel.doc.cancelorder.error).toBe("25");
      const read = await xmlCall(tx, `<statusreq>${auth(ro.login, "ro-pass")}<orderno>NONE</orderno></statusreq>`);
      expect(read.doc.statusreq.error).not.toBe("25");

      const ok = await xmlCall(tx, `<neworder>${auth(op.login, "op-pass")}${order("OP-1")}</neworder>`);
      expect(ok.doc.neworder.createorder[0].error).toBe("0");
    }));
});
