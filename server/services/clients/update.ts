import bcrypt from "bcryptjs";
import { and, eq, sql } from "drizzle-orm";
import { clients } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { updateClientSchema } from "./schemas";
import { clientConflict } from "./shared";

export async function updateClient({ ctx, input }: ServiceCall<unknown>) {
  assertStaff(ctx);
  const { id, password, ...data } = updateClientSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ passwordHash: clients.passwordHash, login: clients.login })
      .from(clients)
      .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, id)))
      .for("update");
    if (!current) throw new NotFoundError("Клиент");
    const passwordHash = password ? await bcrypt.hash(password, 10) : current.passwordHash;
    if (data.login && !passwordHash)
      throw new ValidationError("Задайте пароль для входа в кабинет", {
        password: ["Задайте пароль для входа в кабинет"],
      });
    // A new password or a changed/removed login ends the account's open cabinet sessions.
    const revoke = !!password || (data.login ?? null) !== current.login;
    try {
      await tx
        .update(clients)
        .set({
          ...data,
          passwordHash: data.login ? passwordHash : null,
          updatedAt: new Date(),
          ...(revoke ? { sessionVersion: sql`${clients.sessionVersion} + 1` } : {}),
        })
        .where(and(eq(clients.companyId, ctx.actor.companyId), eq(clients.id, id)));
    } catch (e) {
      throw clientConflict(e) ?? e;
    }
    return { id };
  });
}
