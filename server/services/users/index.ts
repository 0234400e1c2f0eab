import bcrypt from "bcryptjs";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, companies, staffUsers } from "@/db/schema";
import { assertAdmin, assertStaff, type ServiceCall, type ServiceContext } from "../context";
import { writeCompanyAudit } from "../company-settings/audit";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { checkCurrentPassword } from "../security/current-password";
import {
  changeOwnPasswordSchema,
  createUserSchema,
  resetPasswordSchema,
  ROLE_TITLES,
  setRoleSchema,
  userIdSchema,
} from "./schemas";
import { parseForm } from "../company-settings/parse";

const BCRYPT_COST = 10;
const LAST_ADMIN = "В компании должен остаться хотя бы один администратор";

const staffOf = (ctx: ServiceContext, id: number) =>
  and(eq(staffUsers.companyId, ctx.actor.companyId), eq(staffUsers.id, id), isNull(staffUsers.removedAt));

/** «Пользователи»: the company's staff accounts (never a password hash), the caller marked. */
export async function listUsers({ ctx }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const rows = await ctx.db
    .select({
      id: staffUsers.id,
      login: staffUsers.login,
      name: staffUsers.name,
      role: staffUsers.role,
      createdAt: staffUsers.createdAt,
    })
    .from(staffUsers)
    .where(and(eq(staffUsers.companyId, ctx.actor.companyId), isNull(staffUsers.removedAt)))
    .orderBy(asc(staffUsers.login));
  const me = ctx.actor.type === "staff" ? ctx.actor.userId : null;
  return rows.map((r) => ({ ...r, isMe: r.id === me }));
}

export async function createUser({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const data = parseForm(createUserSchema, input);
  const passwordHash = await bcrypt.hash(data.password, BCRYPT_COST);
  try {
    return await ctx.db.transaction(async (tx) => {
      // Staff logins are checked before clients' at sign-in: a staff user named like a client would shadow it.
      const [client] = await tx
        .select({ id: clients.id })
        .from(clients)
        .where(and(eq(clients.companyId, ctx.actor.companyId), sql`lower(${clients.login}) = lower(${data.login})`));
      if (client) throw loginTaken("Этот логин уже у клиента компании");
      const [row] = await tx
        .insert(staffUsers)
        .values({ companyId: ctx.actor.companyId, login: data.login, name: data.name, role: data.role, passwordHash })
        .returning({ id: staffUsers.id });
      await writeCompanyAudit(tx, ctx.actor, {
        section: "user",
        action: "create",
        subject: data.login,
        changes: { name: [null, data.name], role: [null, ROLE_TITLES[data.role]] },
      });
      return row!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw loginTaken("Пользователь с таким логином уже есть");
    throw e;
  }
}

const loginTaken = (message: string) => new ConflictError(message, { login: [message] });

/**
 * Locks the company's active admins (so two admins demoting each other at once cannot both pass) and refuses when
 * the change would leave none.
 */
async function assertAnotherAdmin(tx: Queryable, companyId: number, exceptId: number) {
  const rows = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(
      and(
        eq(staffUsers.companyId, companyId),
        eq(staffUsers.role, "admin"),
        isNull(staffUsers.removedAt),
        ne(staffUsers.id, exceptId),
      ),
    )
    .for("update");
  if (rows.length === 0) throw new ConflictError(LAST_ADMIN);
}

async function lockUser(tx: Queryable, ctx: ServiceContext, id: number) {
  const [u] = await tx.select().from(staffUsers).where(staffOf(ctx, id)).for("update");
  if (!u) throw new NotFoundError("Пользователь");
  return u;
}

/** A new role takes effect at the user's next sign-in: the sessions carrying the old one end now. */
export async function setUserRole({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { id, role } = parseForm(setRoleSchema, input);
  return ctx.db.transaction(async (tx) => {
    const u = await lockUser(tx, ctx, id);
    if (u.role === role) return { id };
    if (u.role === "admin") await assertAnotherAdmin(tx, ctx.actor.companyId, id);
    await tx
      .update(staffUsers)
      .set({ role, sessionVersion: sql`${staffUsers.sessionVersion} + 1` })
      .where(staffOf(ctx, id));
    await writeCompanyAudit(tx, ctx.actor, {
      section: "user",
      action: "role",
      subject: u.login,
      changes: { role: [ROLE_TITLES[u.role], ROLE_TITLES[role]] },
    });
    return { id };
  });
}

/** An admin sets a new password for a user (who forgot theirs); that user's sessions end. */
export async function resetUserPassword({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { id, password } = parseForm(resetPasswordSchema, input);
  const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
  return ctx.db.transaction(async (tx) => {
    const u = await lockUser(tx, ctx, id);
    await tx
      .update(staffUsers)
      .set({ passwordHash, sessionVersion: sql`${staffUsers.sessionVersion} + 1` })
      .where(staffOf(ctx, id));
    await writeCompanyAudit(tx, ctx.actor, { section: "user", action: "password-reset", subject: u.login });
    return { id };
  });
}

/**
 * Removal keeps the row (audit trails name it) with `removedAt` set: sign-in refuses it, and every session of it is
 * refused at its next request (sessionIsCurrent reads `removedAt`); the login becomes free for a new user.
 */
export async function removeUser({ ctx, input }: ServiceCall<unknown>) {
  assertAdmin(ctx);
  const { id } = parseForm(userIdSchema, input);
  return ctx.db.transaction(async (tx) => {
    const u = await lockUser(tx, ctx, id);
    if (u.role === "admin") await assertAnotherAdmin(tx, ctx.actor.companyId, id);
    await tx
      .update(staffUsers)
      .set({ removedAt: sql`now()`, sessionVersion: sql`${staffUsers.sessionVersion} + 1` })
      .where(staffOf(ctx, id));
    await writeCompanyAudit(tx, ctx.actor, {
      section: "user",
      action: "remove",
      subject: u.login,
      changes: { name: [u.name, null], role: [ROLE_TITLES[u.role], null] },
    });
    return { id };
  });
}

/**
 * «Сменить пароль» for any staff user, read-only included: the current password is checked through the sign-in
 * throttle (a stolen session cannot guess it without limit), then every session of the account ends, this one too.
 */
export async function changeOwnPassword({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  if (ctx.actor.type !== "staff") throw new ValidationError("Пароль клиента меняется в карточке клиента");
  const actor = ctx.actor;
  const data = parseForm(changeOwnPasswordSchema, input);
  const [me] = await ctx.db
    .select({ login: staffUsers.login, hash: staffUsers.passwordHash, extra: companies.extraCode })
    .from(staffUsers)
    .innerJoin(companies, eq(companies.id, staffUsers.companyId))
    .where(staffOf(ctx, actor.userId));
  if (!me) throw new NotFoundError("Пользователь");
  await checkCurrentPassword(
    ctx.db,
    { extra: me.extra, login: me.login, account: String(actor.userId), hash: me.hash },
    data.oldPassword,
  );
  const passwordHash = await bcrypt.hash(data.newPassword, BCRYPT_COST);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(staffUsers)
      .set({ passwordHash, sessionVersion: sql`${staffUsers.sessionVersion} + 1` })
      .where(staffOf(ctx, actor.userId));
    await writeCompanyAudit(tx, actor, { section: "user", action: "password-change", subject: me.login });
  });
  return { signedOut: true as const };
}
