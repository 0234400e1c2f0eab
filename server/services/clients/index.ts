import bcrypt from "bcryptjs";
import { and, asc, count, eq, ilike, or } from "drizzle-orm";
import { clients, orders } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { isUniqueViolation } from "../pg-errors";
import { createClientSchema, listClientsSchema, updateClientSchema } from "./schemas";

// Never select passwordHash into anything that leaves the service.
const publicColumns = {
  id: clients.id,
  name: clients.name,
  kind: clients.kind,
  inn: clients.inn,
  currency: clients.currency,
  paymentIntermediary: clients.paymentIntermediary,
  contactPerson: clients.contactPerson,
  phone: clients.phone,
  email: clients.email,
  address: clients.address,
  login: clients.login,
  partnerExtraCode: clients.partnerExtraCode,
  createdAt: clients.createdAt,
};

export async function listClients({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const q = listClientsSchema.parse(input ?? {});
  const s = q.search ? `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return ctx.db
    .select(publicColumns)
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), s ? or(ilike(clients.name, s), ilike(clients.inn, s)) : undefined))
    .orderBy(asc(clients.name))
    .limit(1000);
}

export async function getClient({ ctx, input }: ServiceCall<{ id: number }>) {
  assertStaff(ctx);
  const [row] = await ctx.db
    .select({ ...publicColumns, hasPassword: clients.passwordHash })
    .from(clients)
    .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, input.id)));
  if (!row) throw new NotFoundError("Клиент");
  const [{ n } = { n: 0 }] = await ctx.db
    .select({ n: count() })
    .from(orders)
    .where(and(eq(orders.companyId, ctx.actor.companyId), eq(orders.clientId, input.id)));
  return { ...row, hasPassword: row.hasPassword !== null, orderCount: n };
}

const loginTaken = () => new ConflictError("Этот логин уже занят другим клиентом", { login: ["Этот логин уже занят другим клиентом"] });

export async function createClient({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const data = createClientSchema.parse(input);
  const passwordHash = data.password ? await bcrypt.hash(data.password, 10) : null;
  try {
    const { password: _password, ...fields } = data;
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(clients)
        .values({ ...fields, companyId: ctx.actor.companyId, passwordHash })
        .returning({ id: clients.id });
      return row!;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw loginTaken();
    throw e;
  }
}

export async function updateClient({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id, password, ...data } = updateClientSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ passwordHash: clients.passwordHash })
      .from(clients)
      .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, id)))
      .for("update");
    if (!current) throw new NotFoundError("Клиент");
    const passwordHash = password ? await bcrypt.hash(password, 10) : current.passwordHash;
    if (data.login && !passwordHash) throw new ValidationError("Задайте пароль для входа в кабинет", { password: ["Задайте пароль для входа в кабинет"] });
    try {
      await tx
        .update(clients)
        .set({ ...data, passwordHash: data.login ? passwordHash : null, updatedAt: new Date() })
        .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, id)));
    } catch (e) {
      if (isUniqueViolation(e)) throw loginTaken();
      throw e;
    }
    return { id };
  });
}
