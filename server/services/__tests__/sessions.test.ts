import type { JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { authOptionsFor } from "@/server/auth";
import { safeCallbackPath } from "../auth/callback-url";
import { updateClient } from "../clients";

// The session checks use the process-wide pool (getDb), so this file gets a database of its own.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
beforeAll(async () => {
  iso = await createIsolatedDatabase();
  process.env.DATABASE_URL = iso.url;
  conn = createDatabase(iso.url, { max: 2 });
});
afterAll(async () => {
  await conn.sql.end();
  const cached = (globalThis as { kurierDb?: ReturnType<typeof createDatabase> }).kurierDb;
  await cached?.sql.end();
  await iso.drop();
});

const options = () => authOptionsFor({});

/** Signs in through next-auth's own authorize + jwt callback, as the credentials route does: the cookie's token. */
async function signIn(creds: { extra: number; login: string; password: string }): Promise<JWT> {
  type Credentials = { options: { authorize: (c: unknown, r: unknown) => Promise<unknown> } };
  const provider = options().providers[0] as unknown as Credentials;
  const user = await provider.options.authorize(creds, { headers: {} });
  return (await options().callbacks!.jwt!({ token: {}, user } as never)) as JWT;
}

/** A later request presenting that cookie: what getSession() gets back (null = signed out). */
async function read(token: JWT) {
  const o = options();
  const next = (await o.callbacks!.jwt!({ token } as never)) as JWT;
  const session = (await o.callbacks!.session!({ session: { expires: "" }, token: next } as never)) as {
    actor?: unknown;
  };
  return session.actor ?? null;
}

describe("revocable sessions", () => {
  it("a removed client login's cookie stops working at once", async () => {
    const t = await createTenant(conn.db);
    const ctx = { ...t.staffCtx, db: conn.db };
    const token = await signIn({ extra: t.company.extraCode, login: t.client.login!, password: "shop" });
    expect(await read(token)).toEqual({ type: "client", companyId: t.company.id, clientId: t.client.id });
    await updateClient({ ctx, input: { id: t.client.id, name: t.client.name, login: null } });
    expect(await read(token)).toBeNull();
    // Giving the login back does not revive the old cookie.
    const card = { id: t.client.id, name: t.client.name, login: t.client.login };
    await updateClient({ ctx, input: { ...card, password: "shop" } });
    expect(await read(token)).toBeNull();
  });

  it("a password change ends the account's sessions; a new sign-in works", async () => {
    const t = await createTenant(conn.db);
    const ctx = { ...t.staffCtx, db: conn.db };
    const token = await signIn({ extra: t.company.extraCode, login: t.client.login!, password: "shop" });
    const card = { id: t.client.id, name: t.client.name, login: t.client.login };
    await updateClient({ ctx, input: { ...card, password: "new-pass" } });
    expect(await read(token)).toBeNull();
    const fresh = await signIn({ extra: t.company.extraCode, login: t.client.login!, password: "new-pass" });
    expect(await read(fresh)).toMatchObject({ clientId: t.client.id });
  });

  it("after «Выйти» the old cookie is refused; the account's other sessions stay", async () => {
    const t = await createTenant(conn.db);
    const creds = { extra: t.company.extraCode, login: t.staff.login, password: "secret" };
    const laptop = await signIn(creds);
    const phone = await signIn(creds);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    await options().events!.signOut!({ token: { ...laptop, exp }, session: undefined as never });
    expect(await read(laptop)).toBeNull();
    expect(await read(phone)).toMatchObject({ type: "staff", userId: t.staff.id });
  });

  it("a cookie from before this change (no session id) is refused", async () => {
    const t = await createTenant(conn.db);
    const token = await signIn({ extra: t.company.extraCode, login: t.staff.login, password: "secret" });
    expect(await read({ ...token, sid: undefined })).toBeNull();
  });
});

describe("callbackUrl after sign-in", () => {
  const origin = "http://cabinet.example";
  it.each([
    ["/\\evil.example", "/orders"],
    ["/\t/evil.example", "/orders"],
    ["//evil.example/x", "/orders"],
    ["/.//evil.example", "/orders"],
    ["https://evil.example/orders", "/orders"],
    ["javascript:alert(1)", "/orders"],
    ["/manifests?x=1#top", "/manifests?x=1#top"],
    ["http://cabinet.example/clients/5", "/clients/5"],
  ])("%j → %s", (raw, expected) => {
    expect(safeCallbackPath(raw, origin)).toBe(expected);
    // And what a browser makes of the answer stays on the site.
    expect(new URL(safeCallbackPath(raw, origin), origin).origin).toBe(origin);
  });

  it("next-auth's redirect callback keeps both reported URLs on the site", async () => {
    const redirect = options().callbacks!.redirect!;
    const reported = ["%2F%5Cevil.example", "%2F%09%2Fevil.example"].map(decodeURIComponent);
    for (const url of ["/\\evil.example", "/\t/evil.example", ...reported]) {
      expect(new URL(await redirect({ url, baseUrl: origin })).origin).toBe(origin);
    }
    expect(await redirect({ url: "/manifests", baseUrl: origin })).toBe(`${origin}/manifests`);
  });
});
