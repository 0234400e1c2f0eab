import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { createClient, createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import type { Actor } from "@/server/services/context";

// The export route reads the signed-in account through next-auth; here it is whoever the test says.
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/server/auth", () => ({
  getSession: async () => (session.actor ? { actor: session.actor } : null),
}));

let GET: (req: Request) => Promise<Response>;
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 4 });
  // The route reads the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  ({ GET } = await import("@/app/api/orders/export/route"));
});

afterEach(() => {
  session.actor = null;
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

const url = (q: string) => new Request(`http://hub/api/orders/export?${q}`);
const csvNumbers = async (res: Response) =>
  (await res.text())
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n")
    .slice(1)
    .map((l) => l.split(";")[0])
    .sort();

describe("GET /api/orders/export", () => {
  it("signed out → sign in and back to the list; staff get the filter as a download; a client only its own", async () => {
    const t = await createTenant(conn.db);
    const other = await createTenant(conn.db);
    const neighbour = await createClient(conn.db, t.company.id);
    const mine = await createOrders(conn.db, t.company.id, t.client.id, 2, {
      receiver: { person: "Семёнова Анна", phone: "+79123456789", town: "Казань", address: "ул. Ленина, д. 12" },
    });
    const theirs = await createOrders(conn.db, t.company.id, neighbour.id, 1);
    await createOrders(conn.db, other.company.id, other.client.id, 1, {
      receiver: { person: "Семёнова Анна", phone: "+79123456789", town: "Казань", address: "ул. Ленина, д. 12" },
    });

    const out = await GET(url("format=csv"));
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe(`/login?callbackUrl=${encodeURIComponent("/orders?format=csv")}`);

    session.actor = t.staffCtx.actor;
    const xlsx = await GET(url("q=семенова&kind=receiver&sort=number&dir=asc"));
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    expect(xlsx.headers.get("content-disposition")).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const { default: ExcelJS } = await import("exceljs");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    const sheet = wb.getWorksheet("Заказы")!;
    expect(sheet.rowCount).toBe(3);
    expect([2, 3].map((r) => sheet.getRow(r).getCell(1).value)).toEqual(mine.map((o) => o.number).sort());

    const all = await GET(url("format=csv"));
    expect(all.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await csvNumbers(all)).toEqual([...mine, ...theirs].map((o) => o.number).sort());

    session.actor = t.clientCtx.actor;
    expect(await csvNumbers(await GET(url("format=csv")))).toEqual(mine.map((o) => o.number).sort());
    expect(await csvNumbers(await GET(url(`format=csv&client=${neighbour.id}`)))).toEqual([]);

    session.actor = other.staffCtx.actor;
    expect(await csvNumbers(await GET(url("format=csv&q=9123456789")))).toHaveLength(1);

    const bad = await GET(url("format=pdf"));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Формат: xlsx или csv");
    expect((await GET(url("format=csv&from=2026-02-30"))).status).toBe(400);
  });
});
