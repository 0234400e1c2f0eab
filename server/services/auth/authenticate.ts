import bcrypt from "bcryptjs";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { clients, companies, staffUsers } from "@/db/schema";
import type { Actor } from "../context";
import { TooManyRequestsError, UnauthorizedError, ValidationError } from "../errors";
import { throttledSignIn, type SignInDoor } from "../security/throttle";

export const signInSchema = z.object({
  extra: z.coerce
    .number({ error: "Код службы — число" })
    .int("Код службы — число")
    .positive("Укажите код службы")
    .max(2_147_483_647, "Нет службы с таким кодом"),
  login: z.string().trim().min(1, "Укажите логин").max(100),
  password: z.string().min(1, "Укажите пароль").max(200),
});

export interface SignedInUser {
  actor: Actor & { type: "staff" | "client" };
  name: string;
  companyName: string;
  extra: number;
  /** The account's session version at sign-in; a session is refused once the account's version moves on. */
  sessionVersion: number;
}

/** Checks courier code + login + password like MeaSoft's cabinet, through the one sign-in throttle. */
export async function authenticate(
  db: Queryable,
  input: unknown,
  ip: string,
  door: SignInDoor = "cabinet",
): Promise<SignedInUser> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Заполните все поля");
  const { extra, login, password } = parsed.data;
  const result = await throttledSignIn(db, { door, extra, login, ip }, () => findUser(db, extra, login, password));
  if (result.status === "ok") return result.value;
  if (result.status === "wrong") throw new UnauthorizedError("Неверный код службы, логин или пароль");
  if (result.kind === "slowed") {
    throw new TooManyRequestsError(
      `Под этим логином сейчас много неудачных попыток входа. Повторите через ${result.retryAfterSeconds} с.`,
    );
  }
  throw new TooManyRequestsError(
    "Слишком много неудачных попыток входа с вашего адреса. Подождите 15 минут и попробуйте снова.",
  );
}

// Hash compared even when the login is unknown, so response time does not reveal which logins exist.
const DUMMY_HASH = bcrypt.hashSync("not-a-password", 10);

export async function findUser(
  db: Queryable,
  extra: number,
  login: string,
  password: string,
): Promise<SignedInUser | null> {
  const [company] = await db.select().from(companies).where(eq(companies.extraCode, extra));
  if (!company) {
    await bcrypt.compare(password, DUMMY_HASH);
    return null;
  }
  const [staff] = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.companyId, company.id), eq(staffUsers.login, login), isNull(staffUsers.removedAt)));
  if (staff) {
    if (!(await bcrypt.compare(password, staff.passwordHash))) return null;
    return {
      actor: { type: "staff", companyId: company.id, userId: staff.id, role: staff.role },
      name: staff.name,
      companyName: company.name,
      extra,
      sessionVersion: staff.sessionVersion,
    };
  }
  const [client] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.companyId, company.id), eq(clients.login, login)));
  if (!client?.passwordHash) {
    await bcrypt.compare(password, DUMMY_HASH);
    return null;
  }
  if (!(await bcrypt.compare(password, client.passwordHash))) return null;
  return {
    actor: { type: "client", companyId: company.id, clientId: client.id },
    name: client.name,
    companyName: company.name,
    extra,
    sessionVersion: client.sessionVersion,
  };
}
