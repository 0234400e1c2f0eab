import { createHash, randomBytes } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { shopAppTickets } from "@/db/schema";

export type TicketKind = "nonce" | "link" | "sign-in";

/** How long each ticket lives: a back-office round trip, a person filling the link form, one sign-in click. */
export const TICKET_TTL_SECONDS: Record<TicketKind, number> = { nonce: 300, link: 1800, "sign-in": 300 };

const hashOf = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
export const randomToken = () => randomBytes(24).toString("base64url");

export async function issueTicket(
  db: Queryable,
  kind: TicketKind,
  installId: number,
  extra: { nonce?: string; clientId?: number } = {},
): Promise<string> {
  const token = randomToken();
  // Expired tickets of every shop go on the way; there are few of them.
  await db.delete(shopAppTickets).where(lt(shopAppTickets.expiresAt, sql`now()`));
  await db.insert(shopAppTickets).values({
    tokenHash: hashOf(token),
    kind,
    installId,
    nonce: extra.nonce ?? null,
    clientId: extra.clientId ?? null,
    expiresAt: sql`now() + make_interval(secs => ${TICKET_TTL_SECONDS[kind]})`,
  });
  return token;
}

/** Deletes the ticket and returns it if it was live: a second use (or a parallel one) finds nothing. */
export async function consumeTicket(db: Queryable, kind: TicketKind, token: string) {
  const [row] = await db
    .delete(shopAppTickets)
    .where(and(eq(shopAppTickets.tokenHash, hashOf(token)), eq(shopAppTickets.kind, kind)))
    .returning({
      installId: shopAppTickets.installId,
      nonce: shopAppTickets.nonce,
      clientId: shopAppTickets.clientId,
      live: sql<boolean>`${shopAppTickets.expiresAt} > now()`,
    });
  return row?.live ? row : null;
}

/** A live ticket without using it up (the link page is shown and re-posted until the link is made). */
export async function peekTicket(db: Queryable, kind: TicketKind, token: string) {
  const [row] = await db
    .select({ installId: shopAppTickets.installId })
    .from(shopAppTickets)
    .where(
      and(
        eq(shopAppTickets.tokenHash, hashOf(token)),
        eq(shopAppTickets.kind, kind),
        sql`${shopAppTickets.expiresAt} > now()`,
      ),
    );
  return row ?? null;
}

export async function dropTickets(db: Queryable, installId: number, kind: TicketKind) {
  await db.delete(shopAppTickets).where(and(eq(shopAppTickets.installId, installId), eq(shopAppTickets.kind, kind)));
}
