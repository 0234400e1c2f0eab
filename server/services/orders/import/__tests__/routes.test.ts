import ExcelJS from "exceljs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import type { Actor } from "@/server/services/context";
import { fieldTitle, TEMPLATE_COLUMNS } from "../fields";
import { sampleXlsx } from "../sample-file";

// The routes read the signed-in account through next-auth; here it is whoever the test says.
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock("@/server/auth", () => ({
  getSession: async () => (session.actor ? { actor: session.actor } : null),
}));

type Handler = (req: Request, ctx?: { params: Promise<{ id: string }> }) => Promise<Response>;
let POST: Handler;
let TEMPLATE: Handler;
let ERRORS: Handler;
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 4 });
  // The handlers read the app's database (getDb) from DATABASE_URL: this file's own database.
  process.env.DATABASE_URL = iso.url;
  ({ POST } = (await import("@/app/api/orders/import/route")) as unknown as { POST: Handler });
  ({ GET: TEMPLATE } = (await import("@/app/api/orders/import/template/route")) as unknown as { GET: Handler });
  ({ GET: ERRORS } = (await import("@/app/api/orders/import/[id]/errors/route")) as unknown as { GET: Handler });
});

afterEach(() => {
  session.actor = null;
});

afterAll(async () => {
  await conn?.sql.end();
  await iso?.drop();
});

const post = (qs: string, body: Buffer, headers: Record<string, string> = {}) =>
  POST(new Request(`http://hub/api/orders/import?${qs}`, { method: "POST", body: new Uint8Array(body), headers }));

describe("import routes", () => {
  it("the template maps itself and its sample row is a valid order", async () => {
    const t = await createTenant(conn.db);
    expect((await TEMPLATE(new Request("http://hub/api/orders/import/template"))).status).toBe(303);
    session.actor = t.staffCtx.actor;
    const res = await TEMPLATE(new Request("http://hub/api/orders/import/template"));
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="orders-template.xlsx"/);
    const file = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as never);
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, ...TEMPLATE_COLUMNS.map((c) => fieldTitle(c.key))]);

    const up = await post(`name=template.xlsx&clientId=${t.client.id}`, file);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: "ready", totalRows: 1, validRows: 1, invalidRows: 0 });
  });

  it("upload: signed out 401, cross-site 403, a client account for itself, staff of another company 404", async () => {
    const t = await createTenant(conn.db);
    const other = await createTenant(conn.db);
    const file = await sampleXlsx({ rows: 40, badEvery: 20, prefix: "RT" });

    expect((await post("name=a.xlsx", file)).status).toBe(401);
    session.actor = t.clientCtx.actor;
    expect((await post("name=a.xlsx", file, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    const res = await post(`name=a.xlsx&clientId=${other.client.id}`, file, { "sec-fetch-site": "same-origin" });
    expect(res.status).toBe(200);
    const view = (await res.json()) as { id: number; clientId: number; invalidRows: number };
    expect(view).toMatchObject({ clientId: t.client.id, invalidRows: 2 });

    const errors = await ERRORS(new Request(`http://hub/api/orders/import/${view.id}/errors`), {
      params: Promise.resolve({ id: String(view.id) }),
    });
    expect(errors.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await errors.arrayBuffer()) as never);
    expect(wb.worksheets[0]!.rowCount).toBe(3);

    session.actor = other.staffCtx.actor;
    const foreign = await post(`name=a.xlsx&clientId=${t.client.id}`, file);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { message: string }).message).toBe("Клиент: не найдено");
    const foreignErrors = await ERRORS(new Request(`http://hub/api/orders/import/${view.id}/errors`), {
      params: Promise.resolve({ id: String(view.id) }),
    });
    expect(foreignErrors.status).toBe(404);

    session.actor = t.staffCtx.actor;
    const bad = await post(`name=old.xls&clientId=${t.client.id}`, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/\.xls не поддерживается/);
  });
});
