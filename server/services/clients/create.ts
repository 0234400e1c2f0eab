import bcrypt from "bcryptjs";
import { clients } from "@/db/schema";
import { assertStaff, type ServiceCall } from "../context";
import { createClientSchema } from "./schemas";
import { clientConflict } from "./shared";

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
    throw clientConflict(e) ?? e;
  }
}
