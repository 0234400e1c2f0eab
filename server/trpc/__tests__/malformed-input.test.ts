import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { toTRPCError } from "../errors";
import { handleTrpcRequest } from "../http";
import type { TRPCContext } from "../init";

// Issue 8, defect 10: malformed input answered HTTP 500. Each request goes through the same fetch handler the
// Next.js route uses, with a signed-in staff member's context.

type Fixture = { orderId: number; branchId: number };

async function call(ctx: TRPCContext, req: Request) {
  const res = await handleTrpcRequest(req, async () => ctx);
  const body = (await res.json()) as { error?: { json: { message: string } } };
  return { status: res.status, message: body.error?.json.message ?? "" };
}

const BASE = "http://127.0.0.1/api/trpc";
const get = (path: string, rawInput: string) => new Request(`${BASE}/${path}?input=${encodeURIComponent(rawInput)}`);
const query = (path: string, json: unknown) => get(path, JSON.stringify({ json }));
const post = (path: string, body: string) =>
  new Request(`${BASE}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
const mutation = (path: string, json: unknown, meta?: unknown) =>
  post(path, JSON.stringify(meta ? { json, meta } : { json }));

const TOO_BIG_INT4 = 2_147_483_648;

const cases: Record<string, (f: Fixture) => Request> = {
  // The six from the issue.
  "orders.get?input={not-json": () => get("orders.get", "{not-json"),
  'orders.list dateFrom "2026-13-45"': () => query("orders.list", { dateFrom: "2026-13-45" }),
  'orders.list search "\\u0000"': () => query("orders.list", { search: "\u0000" }),
  'orders.setStatus eventTime "275760-09-13"': (f) =>
    mutation("orders.setStatus", { id: f.orderId, status: "LOST", eventTime: "275760-09-13" }),
  "manifests.create responsibleBranchId 2147483648": () =>
    mutation("manifests.create", { responsibleBranchId: TOO_BIG_INT4 }),
  "a broken JSON body": () => post("orders.create", '{"json":{"receiver":'),
  // The same kinds of value elsewhere.
  "orders.setStatus eventTime as a superjson Date in year 275760": (f) =>
    mutation(
      "orders.setStatus",
      { id: f.orderId, status: "LOST", eventTime: "+275760-09-13T00:00:00.000Z" },
      { values: { eventTime: ["Date"] } },
    ),
  'orders.list dateTo "2026-02-30"': () => query("orders.list", { dateTo: "2026-02-30" }),
  "orders.get id 2^53": () => query("orders.get", { id: 2 ** 53 }),
  "orders.list clientId 2147483648": () => query("orders.list", { clientId: TOO_BIG_INT4 }),
  "clients.get id 2147483648": () => query("clients.get", { id: TOO_BIG_INT4 }),
  'clients.list search "a\\u0000"': () => query("clients.list", { search: "a\u0000" }),
  "branches.delete id 2147483648": () => mutation("branches.delete", { id: TOO_BIG_INT4 }),
  "branches.create name with NUL": () =>
    mutation("branches.create", { code: "X", name: "Склад\u0000", town: "Москва" }),
  "manifests.get id 2147483648": () => query("manifests.get", { id: TOO_BIG_INT4 }),
  "manifests.setSendDate 2026-13-45": (f) =>
    mutation("manifests.setSendDate", { id: f.branchId, sendDate: "2026-13-45" }),
  "manifests.addOrders numbers with NUL": (f) =>
    mutation("manifests.addOrders", { manifestId: f.branchId, numbers: ["A\u0000"] }),
  "integrations.get branchId 2147483648": () => query("integrations.get", { branchId: TOO_BIG_INT4 }),
  "integrations.save with a NUL in a setting": (f) =>
    mutation("integrations.save", {
      branchId: f.branchId,
      integrator: "measoft",
      values: { login: "a\u0000", password: "p", extra: "1" },
    }),
  "sync.order orderId 2^53": () => query("sync.order", { orderId: 2 ** 53 }),
  "orders.create receiver date 2026-13-45": () =>
    mutation("orders.create", { receiver: { person: "Иван", phone: "1", address: "ул. 1", date: "2026-13-45" } }),
};

describe("malformed input answers 400 with a Russian message", () => {
  for (const [name, build] of Object.entries(cases)) {
    it(name, () =>
      withTestTransaction(async (tx) => {
        const t = await createTenant(tx);
        const [order] = await createOrders(tx, t.company.id, t.client.id, 1);
        const r = await call({ db: tx, actor: t.staffCtx.actor }, build({ orderId: order!.id, branchId: t.branch.id }));
        expect(r.status).toBe(400);
        expect(r.message).toMatch(/[А-Яа-яЁё]/);
        expect(r.message).not.toMatch(/syntax|JSON at position|invalid input|out of range|expected|Unexpected/i);
        // The request did not break the transaction: the database still answers.
        await tx.execute(sql`select 1`);
      }),
    );
  }
});

describe("the one mapping function", () => {
  it("maps a PostgreSQL data exception (class 22) to 400 without the database's text", () =>
    withTestTransaction(async (tx) => {
      const error = await tx
        .transaction((sp) => sp.execute(sql`select ${"2026-13-45"}::date`))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      const mapped = toTRPCError(error);
      expect(mapped.code).toBe("BAD_REQUEST");
      expect(mapped.message).toMatch(/^Некорректное значение/);
      expect(mapped.message).not.toMatch(/date|2026|select/i);
    }));

  it("keeps answering 500 without detail for anything else", () => {
    const mapped = toTRPCError(new Error("connect ECONNREFUSED 10.0.0.1:5432"));
    expect(mapped.code).toBe("INTERNAL_SERVER_ERROR");
    expect(mapped.message).not.toMatch(/ECONNREFUSED/);
  });
});
