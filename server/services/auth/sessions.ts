import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, revokedSessions, staffUsers } from "@/db/schema";
import type { Actor } from "../context";

/** What a cabinet session cookie carries to be checked on every request. */
export interface SessionRef {
  actor: Actor & { type: "staff" | "client" };
  sessionVersion: number;
  sessionId: string;
}

/**
 * One round trip, two primary-key probes: the account still exists (a client still has its login) at the version the
 * session was signed in under, and this session was not signed out.
 */
export async function sessionIsCurrent(db: Queryable, ref: SessionRef): Promise<boolean> {
  const version =
    ref.actor.type === "staff"
      ? sql`(select ${staffUsers.sessionVersion} from ${staffUsers}
             where ${staffUsers.id} = ${ref.actor.userId} and ${staffUsers.companyId} = ${ref.actor.companyId}
               and ${staffUsers.removedAt} is null)`
      : sql`(select ${clients.sessionVersion} from ${clients}
             where ${clients.id} = ${ref.actor.clientId} and ${clients.companyId} = ${ref.actor.companyId}
               and ${clients.login} is not null and ${clients.passwordHash} is not null)`;
  const [row] = await db.execute<{ ok: boolean }>(sql`
    select coalesce(${version} = ${ref.sessionVersion}, false)
      and not exists (select 1 from ${revokedSessions} where ${revokedSessions.sessionId} = ${ref.sessionId}) as ok`);
  return row?.ok === true;
}

/** «Выйти»: this session's cookie stops working at once, other devices of the same account stay signed in. */
export async function revokeSession(db: Queryable, sessionId: string, expiresAt: Date) {
  await db.insert(revokedSessions).values({ sessionId, expiresAt }).onConflictDoNothing();
}
