import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { authThrottle, orders } from "@/db/schema";
import { createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { setOrderStatus } from "../../orders/set-status";
import { TRACKING_LIMIT } from "..";

// The public tracking page through its real route: minimal data, no personal data in the HTML, 404 and 429.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let GET: (req: Request, ctx: { params: Promise<{ code: string; number: string }> }) => Promise<Response>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 3 });
  process.env.DATABASE_URL = iso.url;
  ({ GET } = await import("../../../../app/t/[code]/[number]/route"));
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

const open = (code: string, number: string) =>
  GET(new Request(`http://hub/t/${code}/${encodeURIComponent(number)}`), {
    params: Promise.resolve({ code, number }),
  });

describe("public tracking page", () => {
  it("shows the status, its dates and the town; never the receiver's name, phone or address", async () => {
    await conn.db.delete(authThrottle);
    const t = await createTenant(conn.db);
    const [made] = await createOrders(conn.db, t.company.id, t.client.id, 1, {
      receiver: {
        person: "Иванова Мария Петровна",
        phone: "+7 912 345-67-89",
        town: "Москва",
        address: "ул. Тайная, 13",
      },
    });
    await setOrderStatus({ ctx: t.staffCtx, input: { id: made!.id, status: "DELIVERY" } });
    const [o] = await conn.db.select().from(orders).where(eq(orders.id, made!.id));
    const res = await open(String(t.company.extraCode), o!.number);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Выдан курьеру");
    expect(html).toContain("Москва");
    expect(html).toContain(o!.number);
    for (const secret of ["Иванова", "Мария", "912", "345-67-89", "Тайная", t.client.name])
      expect(html).not.toContain(secret);
    expect(html).not.toMatch(/<script/i);

    expect((await open(String(t.company.extraCode), "NO-SUCH-NUMBER")).status).toBe(404);
    // Another company's code does not find it.
    const other = await createTenant(conn.db);
    expect((await open(String(other.company.extraCode), o!.number)).status).toBe(404);
  });

  it("answers 429 with Retry-After once a network asks too often", async () => {
    await conn.db.delete(authThrottle);
    const t = await createTenant(conn.db);
    const statuses: number[] = [];
    for (let i = 0; i < TRACKING_LIMIT.requests + 2; i++)
      statuses.push((await open(String(t.company.extraCode), "X")).status);
    expect(statuses.slice(0, TRACKING_LIMIT.requests).every((s) => s === 404)).toBe(true);
    const last = await open(String(t.company.extraCode), "X");
    expect(last.status).toBe(429);
    expect(last.headers.get("retry-after")).toBe(String(TRACKING_LIMIT.windowSeconds));
  });
});
