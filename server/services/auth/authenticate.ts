import bcrypt from "bcryptjs";
import { and, eq, gt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { clients, companies, loginAttempts, staffUsers } from "@/db/schema";
import type { Actor } from "../context";
import { TooManyRequestsError, UnauthorizedError, ValidationError } from "../errors";

export const signInSchema = z.object({
  extra: z.coerce.number({ error: "Код службы — число" }).int("Код службы — число").positive("Укажите код службы"),
  login: z.string().trim().min(1, "Укажите логин").max(100),
  password: z.string().min(1, "Укажите пароль").max(200),
});

export interface SignedInUser {
  actor: Actor & { type: "staff" | "client" };
  name: string;
  companyName: string;
  extra: number;
}

const WINDOW_MS = 15 * 60_000;
const MAX_PER_LOGIN = 5;
const MAX_PER_IP = 30;

/** Checks courier code + login + password like MeaSoft's cabinet; repeated failures are throttled per login and per IP. */
export async function authenticate(db: Queryable, input: unknown, ip: string): Promise<SignedInUser> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Заполните все поля");
  const { extra, login, password } = parsed.data;
  const key = `${extra}:${login.toLowerCase()}`;

  const since = new Date(Date.now() - WINDOW_MS);
  const [recent] = await db
    .select({
      byKey: sql<number>`count(*) filter (where ${loginAttempts.key} = ${key})`.mapWith(Number),
      byIp: sql<number>`count(*) filter (where ${loginAttempts.ip} = ${ip})`.mapWith(Number),
    })
    .from(loginAttempts)
    .where(and(gt(loginAttempts.at, since), or(eq(loginAttempts.key, key), eq(loginAttempts.ip, ip))));
  if ((recent?.byKey ?? 0) >= MAX_PER_LOGIN || (recent?.byIp ?? 0) >= MAX_PER_IP) {
    throw new TooManyRequestsError("Слишком много неудачных попыток входа. Подождите 15 минут и попробуйте снова.");
  }

  const user = await findUser(db, extra, login, password);
  if (!user) {
    await db.insert(loginAttempts).values({ key, ip });
    throw new UnauthorizedError("Неверный код службы, логин или пароль");
  }
  await db.delete(loginAttempts).where(eq(loginAttempts.key, key));
  return user;
}

// Hash compared even when the login is unknown, so response time does not reveal which logins exist.
const DUMMY_HASH = bcrypt.hashSync("not-a-password", 10);

export async function findUser(db: Queryable, extra: number, login: string, password: string): Promise<SignedInUser | null> {
  const [company] = await db.select().from(companies).where(eq(companies.extraCode, extra));
  if (!company) {
    await bcrypt.compare(password, DUMMY_HASH);
    return null;
  }
  const [staff] = await db.select().from(staffUsers).where(and(eq(staffUsers.companyId, company.id), eq(staffUsers.login, login)));
  if (staff) {
    if (!(await bcrypt.compare(password, staff.passwordHash))) return null;
    return { actor: { type: "staff", companyId: company.id, userId: staff.id, role: staff.role }, name: staff.name, companyName: company.name, extra };
  }
  const [client] = await db.select().from(clients).where(and(eq(clients.companyId, company.id), eq(clients.login, login)));
  if (!client?.passwordHash) {
    await bcrypt.compare(password, DUMMY_HASH);
    return null;
  }
  if (!(await bcrypt.compare(password, client.passwordHash))) return null;
  return { actor: { type: "client", companyId: company.id, clientId: client.id }, name: client.name, companyName: company.name, extra };
}
