import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { authThrottle, revokedSessions, securityEvents } from "@/db/schema";
import { networkOf } from "./client-ip";

/** Every way in that checks a password; the shop-app link pages will be the third. */
export type SignInDoor = "cabinet" | "xmlapi" | "shop-app";

export interface SignInAttempt {
  door: SignInDoor;
  /** The courier company's code as typed (unknown codes are throttled too, just not logged for anyone). */
  extra: number;
  login: string;
  ip: string;
}

export const THROTTLE = {
  windowMinutes: 15,
  /** Failures from one network for one login before that pair is refused outright. */
  pairLimit: 5,
  /**
   * Logins failed from one network before the network is refused. Each login counts once per window, so a shop
   * module retrying one wrong password on a shared host (or a partner integration with a stale password) does not
   * lock every other account behind that address out; its own pair is blocked by `pairLimit`.
   */
  networkLimit: 30,
  /** Failures for one login (any network) after which networks that already failed for it are spaced out. */
  slowAfter: 5,
  maxSpacingSeconds: 60,
  /** A network that signed in to the login this recently stays trusted (not slowed) while the login is attacked. */
  trustedDays: 30,
} as const;

export type Guarded<T> =
  | { status: "ok"; value: T }
  | { status: "wrong" }
  | { status: "refused"; kind: "blocked" | "slowed"; retryAfterSeconds: number };

interface BucketRow extends Record<string, unknown> {
  bucket: string;
  attempts: number;
  next_slot: Date | null;
  last_success_at: Date | null;
  now: Date;
}

function bucketsOf(a: SignInAttempt) {
  const login = `${a.extra}:${a.login.trim().toLowerCase()}`;
  const net = networkOf(a.ip);
  return { pair: `p:${login}|${net}`, network: `i:${net}`, login: `l:${login}` };
}

/**
 * Runs `check` (the bcrypt comparison) only for an attempt the throttle lets through. The attempt is reserved first —
 * counters incremented under their row locks in one statement — so N parallel guesses see N distinct counts and at
 * most the limit of them reach `check`. Blocking is per (login, network) and per network; the login as a whole is
 * only slowed, and never for a network with no failures for it (or one that recently signed in), so guesses from
 * elsewhere cannot lock the owner out.
 */
export async function throttledSignIn<T>(
  db: Queryable,
  attempt: SignInAttempt,
  check: () => Promise<T | null>,
): Promise<Guarded<T>> {
  const b = bucketsOf(attempt);
  const { refusal, countsNetwork } = await reserve(db, b);
  if (refusal) {
    await logEvent(db, attempt, refusal.kind);
    return { status: "refused", ...refusal };
  }
  let value: T | null;
  try {
    value = await check();
  } catch (e) {
    await settle(db, b, "undo", countsNetwork).catch(() => {});
    throw e;
  }
  if (value === null) {
    await logEvent(db, attempt, "failed");
    return { status: "wrong" };
  }
  await settle(db, b, "success", countsNetwork);
  return { status: "ok", value };
}

async function reserve(db: Queryable, b: ReturnType<typeof bucketsOf>) {
  const w = sql.raw(`interval '${THROTTLE.windowMinutes} minutes'`);
  // The network counts a login only on its first attempt in the window (read without a lock: two simultaneous first
  // attempts may both count, which errs on the strict side).
  const [prior] = await db.execute<{ live: boolean }>(
    sql`select attempts > 0 and window_start > now() - ${w} as live from ${authThrottle} where bucket = ${b.pair}`,
  );
  const countsNetwork = !prior?.live;
  const networkStep = countsNetwork ? 1 : 0;
  const refusal = await db.transaction(async (tx) => {
    // One statement, buckets in a fixed order (no deadlocks between overlapping attempts). A window restarts when
    // it is over — unless the bucket is over its limit and still being hit, so hammering keeps a block in place.
    const rows = await tx.execute<BucketRow>(sql`
      insert into ${authThrottle} as t (bucket, attempts, window_start, updated_at)
      select v.bucket, 1, now(), now()
      from (values (${b.login}), (${b.network}), (${b.pair})) v(bucket) order by v.bucket
      on conflict (bucket) do update set
        attempts = case
          when ${restart(w)} then 1
          when t.bucket = ${b.network} then t.attempts + ${networkStep}::int
          else t.attempts + 1 end,
        window_start = case when ${restart(w)} then now() else t.window_start end,
        next_slot = case when ${restart(w)} then null else t.next_slot end,
        updated_at = now()
      returning t.bucket, t.attempts, t.next_slot, t.last_success_at, now() as now`);
    const get = (name: string) => rows.find((r) => r.bucket === name)!;
    const pair = get(b.pair);
    const network = get(b.network);
    const login = get(b.login);
    const now = new Date(pair.now);
    const windowSeconds = THROTTLE.windowMinutes * 60;
    if (pair.attempts > THROTTLE.pairLimit || network.attempts > THROTTLE.networkLimit) {
      return { kind: "blocked" as const, retryAfterSeconds: windowSeconds };
    }
    const sinceSuccess = pair.last_success_at ? now.getTime() - new Date(pair.last_success_at).getTime() : Infinity;
    const trusted = sinceSuccess < THROTTLE.trustedDays * 86_400_000;
    if (login.attempts <= THROTTLE.slowAfter || pair.attempts === 1 || trusted) return null;
    const slot = login.next_slot ? new Date(login.next_slot) : null;
    if (slot && slot > now) {
      return { kind: "slowed" as const, retryAfterSeconds: Math.ceil((slot.getTime() - now.getTime()) / 1000) };
    }
    const spacing = Math.min(2 ** Math.min(login.attempts - THROTTLE.slowAfter - 1, 10), THROTTLE.maxSpacingSeconds);
    await tx.execute(
      sql`update ${authThrottle} set next_slot = now() + make_interval(secs => ${spacing}) where bucket = ${b.login}`,
    );
    return null;
  });
  return { refusal, countsNetwork };
}

function restart(w: ReturnType<typeof sql.raw>) {
  const { pairLimit, networkLimit, slowAfter } = THROTTLE;
  const limit = sql.raw(
    `case left(t.bucket, 1) when 'p' then ${pairLimit} when 'i' then ${networkLimit} else ${slowAfter} end`,
  );
  return sql`(t.window_start <= now() - ${w} and (t.attempts <= ${limit} or t.updated_at <= now() - ${w}))`;
}

/** A right password gives its reservation back (and clears the pair's own typos); a crashed check gives it back too. */
async function settle(
  db: Queryable,
  b: ReturnType<typeof bucketsOf>,
  outcome: "success" | "undo",
  countsNetwork: boolean,
) {
  const success = outcome === "success";
  const networkStep = countsNetwork ? 1 : 0;
  await db.execute(sql`
    update ${authThrottle} as t set
      attempts = case
        when ${success} and t.bucket = ${b.pair} then 0
        when t.bucket = ${b.network} then greatest(t.attempts - ${networkStep}::int, 0)
        else greatest(t.attempts - 1, 0) end,
      last_success_at = case when ${success} and t.bucket = ${b.pair} then now() else t.last_success_at end
    from (
      select bucket from ${authThrottle}
      where bucket in (${b.login}, ${b.network}, ${b.pair}) order by bucket for update
    ) s
    where t.bucket = s.bucket`);
}

/** One row per (kind, door, login, IP) and 15 minutes, counted, so a flood of guesses stays a few rows. */
async function logEvent(db: Queryable, a: SignInAttempt, kind: "failed" | "blocked" | "slowed") {
  const login = a.login.trim().slice(0, 100);
  if (!Number.isSafeInteger(a.extra) || a.extra <= 0 || a.extra > 2_147_483_647) return;
  await db.execute(sql`
    insert into ${securityEvents} (company_id, period, kind, door, login, ip)
    select c.id, date_bin('15 minutes', now(), timestamptz '2000-01-01'), ${kind}::security_event_kind,
      ${a.door}::sign_in_door, ${login}, ${a.ip.slice(0, 64)}
    from companies c where c.extra_code = ${a.extra}
    on conflict (company_id, period, kind, door, login, ip) do update
      set count = ${securityEvents.count} + 1, last_at = now()`);
}

/** Worker housekeeping: counters idle for a day, revoked sessions past expiry, events older than 90 days. */
export async function sweepSignInRecords(db: Queryable) {
  await db.execute(sql`
    with throttle as (
      delete from ${authThrottle} where updated_at < now() - interval '1 day'
        and (last_success_at is null or last_success_at < now() - make_interval(days => ${THROTTLE.trustedDays}))
    ), sessions as (
      delete from ${revokedSessions} where expires_at < now()
    )
    delete from ${securityEvents} where last_at < now() - interval '90 days'`);
}
