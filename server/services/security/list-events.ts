import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import { securityEvents } from "@/db/schema";
import { assertAdmin, type ServiceCall } from "../context";
import { listSecurityEventsSchema, type ListSecurityEventsInput } from "./schemas";

/** The company's sign-in journal for its admins: wrong passwords, blocked and slowed attempts, newest first. */
export async function listSecurityEvents({ ctx, input }: ServiceCall<ListSecurityEventsInput>) {
  assertAdmin(ctx);
  const q = listSecurityEventsSchema.parse(input ?? {});
  const where: (SQL | undefined)[] = [eq(securityEvents.companyId, ctx.actor.companyId)];
  if (q.kind === "refused") where.push(inArray(securityEvents.kind, ["blocked", "slowed"]));
  else if (q.kind) where.push(eq(securityEvents.kind, q.kind));
  if (q.cursor) where.push(lt(securityEvents.id, q.cursor));
  const rows = await ctx.db
    .select({
      id: securityEvents.id,
      kind: securityEvents.kind,
      door: securityEvents.door,
      login: securityEvents.login,
      ip: securityEvents.ip,
      count: securityEvents.count,
      firstAt: securityEvents.firstAt,
      lastAt: securityEvents.lastAt,
    })
    .from(securityEvents)
    .where(and(...where))
    .orderBy(desc(securityEvents.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = hasMore ? rows.slice(0, q.limit) : rows;
  return { items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}
