import bcrypt from "bcryptjs";
import { and, eq, sql } from "drizzle-orm";
import { clients, companies } from "@/db/schema";
import type { ServiceCall } from "../context";
import { ForbiddenError, NotFoundError } from "../errors";
import { checkCurrentPassword } from "../security/current-password";
import { changeClientPasswordSchema } from "./schemas";

/**
 * A client account changes its own password (the one its CMS module sends as well). The current password is checked
 * through the sign-in throttle, so a stolen session cannot guess it without limit; then every session of the
 * account ends, this one too (sessionVersion), as a password set on the client card does.
 */
export async function changeClientPassword({ ctx, input }: ServiceCall<unknown>) {
  if (ctx.actor.type !== "client") throw new ForbiddenError("Пароль клиента сотрудники меняют в карточке клиента");
  const actor = ctx.actor;
  const data = changeClientPasswordSchema.parse(input);
  const own = and(eq(clients.companyId, actor.companyId), eq(clients.id, actor.clientId));
  const [me] = await ctx.db
    .select({ login: clients.login, hash: clients.passwordHash, extra: companies.extraCode })
    .from(clients)
    .innerJoin(companies, eq(companies.id, clients.companyId))
    .where(own);
  if (!me?.login || !me.hash) throw new NotFoundError("Клиент");
  await checkCurrentPassword(
    ctx.db,
    { extra: me.extra, login: me.login, account: `c${actor.clientId}`, hash: me.hash },
    data.oldPassword,
  );
  const passwordHash = await bcrypt.hash(data.newPassword, 10);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(clients)
      .set({ passwordHash, updatedAt: new Date(), sessionVersion: sql`${clients.sessionVersion} + 1` })
      .where(own);
  });
  return { signedOut: true as const };
}
