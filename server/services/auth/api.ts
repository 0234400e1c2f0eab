import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { clients, companies } from "@/db/schema";
import { throttledSignIn } from "../security/throttle";
import { findUser } from "./authenticate";

/** The XML API always acts as one client account: the caller's own, or the one a staff user names with `clientcode`. */
export interface ApiAccount {
  actor: { type: "client"; companyId: number; clientId: number };
  extra: number;
  clientName: string;
  viaStaff: boolean;
  /** A read-only staff user acting for a client: it may read (statusreq, calculator, …) and never write. */
  readOnly: boolean;
}

export interface ApiCredentials {
  extra: string;
  login: string;
  pass: string;
  clientCode?: string;
}

// bcrypt costs ~70 ms; shops sending one order per request would spend most of their time there. Only successes
// are cached, for a minute, so a changed password or removed account stops working within that minute.
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
// One cache per database handle: a process serving two databases (tests, benchmarks) must not mix their accounts.
const caches = new WeakMap<object, Map<string, { account: ApiAccount; expires: number }>>();

function perDatabase<V>(maps: WeakMap<object, Map<string, V>>, db: Queryable): Map<string, V> {
  let m = maps.get(db);
  if (!m) maps.set(db, (m = new Map()));
  return m;
}

export function clearApiAuthCache(db: Queryable) {
  caches.delete(db);
}

// Parallel requests with the same credentials share one check: a module that fires ten requests at once would
// otherwise make ten throttle reservations, and the right password would be refused as if it were guessed.
const inFlight = new WeakMap<object, Map<string, Promise<ApiAccount | null>>>();

/**
 * Checks `<auth extra login pass [clientcode]>`; null when anything does not match or the sign-in throttle refuses
 * (the caller answers code 25 / 1 either way, so a refusal tells a guesser nothing).
 */
export async function authenticateApi(
  db: Queryable,
  creds: ApiCredentials,
  ip = "unknown",
): Promise<ApiAccount | null> {
  const extra = Number(creds.extra);
  if (!Number.isSafeInteger(extra) || extra <= 0 || extra > 2_147_483_647) return null;
  if (!creds.login || !creds.pass || creds.login.length > 100 || creds.pass.length > 200) return null;
  const key = createHash("sha256")
    .update(`${extra}\u0000${creds.login}\u0000${creds.pass}\u0000${creds.clientCode ?? ""}`)
    .digest("hex");
  const cache = perDatabase(caches, db);
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return hit.account;
  if (hit) cache.delete(key);

  const pending = perDatabase(inFlight, db);
  const running = pending.get(key);
  if (running) return running;
  const check = checkApiAccount(db, creds, extra, ip)
    .then((account) => {
      if (account) {
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
        cache.set(key, { account, expires: Date.now() + TTL_MS });
      }
      return account;
    })
    .finally(() => pending.delete(key));
  pending.set(key, check);
  return check;
}

async function checkApiAccount(db: Queryable, creds: ApiCredentials, extra: number, ip: string) {
  // Staff passwords are guessable through `clientcode` too: the same throttle as the cabinet, before bcrypt.
  const attempt = { door: "xmlapi" as const, extra, login: creds.login, ip };
  const checked = await throttledSignIn(db, attempt, () => findUser(db, extra, creds.login, creds.pass));
  if (checked.status !== "ok") return null;
  const user = checked.value;
  let account: ApiAccount;
  const code = creds.clientCode?.trim() ? Number(creds.clientCode.trim()) : undefined;
  if (user.actor.type === "client") {
    // Some modules always send their own code; someone else's code is not an option for a client account.
    if (code !== undefined && code !== user.actor.clientId) return null;
    account = { actor: user.actor, extra, clientName: user.name, viaStaff: false, readOnly: false };
  } else {
    // A courier company's own user acts for one of its clients (English API page, rev. 14983).
    if (code === undefined || !Number.isSafeInteger(code) || code <= 0 || code > 2_147_483_647) return null;
    const [client] = await db
      .select({ id: clients.id, name: clients.name })
      .from(clients)
      .where(and(eq(clients.companyId, user.actor.companyId), eq(clients.id, code)));
    if (!client) return null;
    account = {
      actor: { type: "client", companyId: user.actor.companyId, clientId: client.id },
      extra,
      clientName: client.name,
      viaStaff: true,
      readOnly: user.actor.role === "readonly",
    };
  }
  return account;
}

/** For the requests that carry only the courier's extra code (services, tracking, streetlist). */
export async function findCompanyByExtra(
  db: Queryable,
  extraRaw: string | undefined,
): Promise<{ id: number; name: string } | null> {
  const extra = Number(extraRaw);
  if (!extraRaw || !Number.isSafeInteger(extra) || extra <= 0 || extra > 2_147_483_647) return null;
  const [company] = await db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(eq(companies.extraCode, extra));
  return company ?? null;
}
