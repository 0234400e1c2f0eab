import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import type { ServiceCall } from "@/server/services/context";
import { ForbiddenError, NotFoundError } from "@/server/services/errors";

/**
 * A page for one record answers HTTP 404 when the id is malformed, unknown or another tenant's: the service decides,
 * with the same company filter as every other door.
 */
export async function ensureFound(rawId: string, load: (call: ServiceCall<{ id: number }>) => Promise<unknown>) {
  const id = Number(rawId);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  const session = await getSession();
  if (!session) notFound();
  try {
    await load({ ctx: { db: getDb(), actor: session.actor }, input: { id } });
  } catch (e) {
    if (e instanceof NotFoundError) notFound();
    // The page itself explains a missing right (a client account opening a staff record).
    if (!(e instanceof ForbiddenError)) throw e;
  }
  return id;
}
