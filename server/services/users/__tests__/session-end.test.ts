import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import type { authOptionsFor as AuthOptionsFor } from "@/server/auth";
import { removeUser, createUser } from "..";

// next-auth's session callbacks import next/headers for getSession; only the options builder is exercised here.
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));

let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let authOptionsFor: typeof AuthOptionsFor;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 2 });
  // server/auth.ts reads the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  ({ authOptionsFor } = await import("@/server/auth"));
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

describe("a removed staff user's cabinet session", () => {
  it("is emptied by the session check of its very next request (what every page and tRPC call runs)", async () => {
    const t = await createTenant(conn.db);
    const { id } = await createUser({
      ctx: t.staffCtx,
      input: { login: "uvolen", name: "Уволенный", role: "operator", password: "его-пароль-1" },
    });
    const options = authOptionsFor(new Headers());
    const credentials = options.providers[0]!.options as unknown as {
      authorize: (c: Record<string, string>, req: unknown) => Promise<{ signedIn: unknown } | null>;
    };
    const user = await credentials.authorize(
      { extra: String(t.company.extraCode), login: "uvolen", password: "его-пароль-1" },
      { headers: { "x-forwarded-for": "203.0.113.9" } },
    );
    const jwt = options.callbacks!.jwt! as unknown as (p: { token: object; user?: unknown }) => Promise<{
      signedIn?: { actor: { userId: number } };
    }>;
    const token = await jwt({ token: {}, user });
    expect(token.signedIn?.actor.userId).toBe(id);
    // The next request with the same cookie: still valid.
    expect((await jwt({ token })).signedIn?.actor.userId).toBe(id);

    await removeUser({ ctx: t.staffCtx, input: { id } });
    expect((await jwt({ token })).signedIn).toBeUndefined();
  });
});
