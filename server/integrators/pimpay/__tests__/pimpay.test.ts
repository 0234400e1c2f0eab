import { generateKeyPairSync } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@/db/client";
import { clients, integrations, paymentExports } from "@/db/schema";
import { createClient, createOrders, createTenant } from "@/db/test/factories";
import { createIsolatedDatabase } from "@/db/test/helpers";
import { pushPayments } from "@/server/services/exchange/payments";
import { setOrderStatus } from "@/server/services/orders/set-status";
import {
  checkPimPay,
  generatePimPayKeyPair,
  getPimPay,
  pimpayClientState,
  registerPimPayClient,
  savePimPay,
} from "@/server/services/payments/pimpay";
import { startPimPayStandIn, type PimPayStandIn } from "@/server/stand-ins/pimpay/server";

// PimPay end to end: keys made here, the public key put into the stand-in as a company would into PimPay's cabinet,
// the stand-in verifying every request's signature over the exact bytes, orders and statuses going out in batches.
let iso: Awaited<ReturnType<typeof createIsolatedDatabase>>;
let conn: ReturnType<typeof createDatabase>;
let standIn: PimPayStandIn;
const saved = process.env.INTEGRATION_ALLOWED_HOSTS;

beforeAll(async () => {
  iso = await createIsolatedDatabase();
  conn = createDatabase(iso.url, { max: 6 });
  // The code PimPay assigned to this courier company (the settings' «Код компании»), known to it beside the carriers.
  standIn = await startPimPayStandIn({ deliveryServices: [{ code: "kurier_hub", title: "Курьер-Хаб (тест)" }] });
  process.env.INTEGRATION_ALLOWED_HOSTS = "127.0.0.1";
});

afterAll(async () => {
  if (saved === undefined) delete process.env.INTEGRATION_ALLOWED_HOSTS;
  else process.env.INTEGRATION_ALLOWED_HOSTS = saved;
  await standIn?.close();
  await conn?.sql.end();
  await iso?.drop();
});

let tokens = 0;

/** A company with PimPay set up: keys made here, its public key registered at the stand-in under a fresh token. */
async function connected() {
  const t = await createTenant(conn.db);
  const token = `token-${++tokens}-${Date.now()}`;
  const { publicKey } = await generatePimPayKeyPair({ ctx: t.staffCtx, input: undefined });
  standIn.registerToken(token, publicKey);
  await savePimPay({ ctx: t.staffCtx, input: { token, companyCode: "kurier_hub", apiUrl: standIn.endpoint } });
  const [row] = await conn.db.select().from(integrations).where(eq(integrations.companyId, t.company.id));
  return { t, token, publicKey, integrationId: row!.id };
}

describe("PimPay settings and keys", () => {
  it("makes keys here, shows only the public one; the check proves token and signature, a wrong key is refused", async () => {
    const t = await createTenant(conn.db);
    const { publicKey } = await generatePimPayKeyPair({ ctx: t.staffCtx, input: undefined });
    expect(publicKey).toContain("BEGIN PUBLIC KEY");
    await expect(checkPimPay({ ctx: t.staffCtx, input: undefined })).rejects.toThrow("нет токен");
    const token = `token-check-${Date.now()}`;
    // PimPay has the token but another key: the signature is not accepted.
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" });
    standIn.registerToken(token, other.toString());
    await savePimPay({ ctx: t.staffCtx, input: { token, companyCode: "kh", apiUrl: standIn.endpoint } });
    const refused = await checkPimPay({ ctx: t.staffCtx, input: undefined });
    expect(refused).toMatchObject({ status: "error", message: expect.stringContaining("Подпись не принята") });
    // The public key shown in the cabinet put into PimPay: accepted.
    standIn.registerToken(token, publicKey);
    expect(await checkPimPay({ ctx: t.staffCtx, input: undefined })).toMatchObject({ status: "ok" });

    const view = await getPimPay({ ctx: t.staffCtx, input: undefined });
    expect(view).toMatchObject({ tokenSet: true, companyCode: "kh", publicKey, enabled: true });
    const [row] = await conn.db.select().from(integrations).where(eq(integrations.companyId, t.company.id));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(view)).not.toContain("PRIVATE KEY");
  });

  it("takes a pasted PKCS#1 or PKCS#8 key, refuses what is not one; operators may not change settings", async () => {
    const t = await createTenant(conn.db);
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1 = pair.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const r = await savePimPay({ ctx: t.staffCtx, input: { token: "t", companyCode: "kh", privateKey: pkcs1 } });
    expect(r.publicKey).toBe(pair.publicKey.export({ type: "spki", format: "pem" }).toString());
    await expect(
      savePimPay({ ctx: t.staffCtx, input: { companyCode: "kh", privateKey: "-----BEGIN PRIVATE KEY-----\nxx" } }),
    ).rejects.toMatchObject({ fieldErrors: { privateKey: [expect.stringContaining("PEM")] } });
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    await expect(
      savePimPay({ ctx: t.staffCtx, input: { companyCode: "kh", privateKey: small.toString() } }),
    ).rejects.toMatchObject({ fieldErrors: { privateKey: [expect.stringContaining("1024")] } });
    const operator = { ...t.staffCtx, actor: { ...t.staffCtx.actor, role: "operator" as const } };
    await expect(generatePimPayKeyPair({ ctx: operator, input: undefined })).rejects.toThrow();
  });
});

describe("PimPay clients by INN", () => {
  it("finds a shop PimPay knows by INN, says when it does not, and registers it", async () => {
    const c = await connected();
    standIn.createClient({ tin: "7707083893", token: c.token, legalEntityName: "ООО «Известный»" });
    const known = await createClient(conn.db, c.t.company.id, { inn: "7707083893" });
    const state = await pimpayClientState({ ctx: c.t.staffCtx, input: { clientId: known.id } });
    expect(state).toMatchObject({ found: true, info: { tin: "7707083893", isActive: true } });

    const fresh = await createClient(conn.db, c.t.company.id, { inn: "500100732259" });
    expect(await pimpayClientState({ ctx: c.t.staffCtx, input: { clientId: fresh.id } })).toMatchObject({
      found: false,
    });
    const registered = await registerPimPayClient({
      ctx: c.t.staffCtx,
      input: {
        clientId: fresh.id,
        legalEntityName: "ИП Петров",
        shopName: "Петров и сыновья",
        email: "petrov@example.ru",
        mobile: "8 (900) 123-45-67",
      },
    });
    expect(registered.info).toMatchObject({ tin: "500100732259" });
    expect((await pimpayClientState({ ctx: c.t.staffCtx, input: { clientId: fresh.id } })).found).toBe(true);
  });
});

describe("PimPay: COD orders and statuses out", () => {
  it("sends COD orders of PimPay clients once, then their statuses as states, with the uniform status", async () => {
    const c = await connected();
    standIn.createClient({ tin: "7707083893", token: c.token });
    await conn.db
      .update(clients)
      .set({ inn: "7707083893", paymentIntermediary: "pimpay" })
      .where(eq(clients.id, c.t.client.id));
    const made = await createOrders(conn.db, c.t.company.id, c.t.client.id, 3, { codAmount: 1500 });
    // A client without PimPay and an order without COD stay out.
    const other = await createClient(conn.db, c.t.company.id, {});
    await createOrders(conn.db, c.t.company.id, other.id, 1, { codAmount: 900 });
    await createOrders(conn.db, c.t.company.id, c.t.client.id, 1, { codAmount: 0 });

    const first = await pushPayments(conn.db, c.integrationId);
    expect(first).toMatchObject({ upserted: 3, states: 0, failed: 0 });
    const there = standIn.orders({ token: c.token });
    expect(there.map((o) => o.id).sort()).toEqual(made.map((o) => String(o.id)).sort());
    expect(there[0]).toMatchObject({
      tin: "7707083893",
      paymentFromRecipient: 1500,
      uniformPimpayDeliveryStatus: "pending",
      deliveryService: "kurier_hub",
    });
    expect(await pushPayments(conn.db, c.integrationId)).toMatchObject({ upserted: 0, states: 0 });

    await setOrderStatus({ ctx: c.t.staffCtx, input: { id: made[0]!.id, status: "COMPLETE" } });
    expect(await pushPayments(conn.db, c.integrationId)).toMatchObject({ upserted: 0, states: 1 });
    const delivered = standIn.orders({ token: c.token, id: String(made[0]!.id) })[0]!;
    expect(delivered.uniformPimpayDeliveryStatus).toBe("delivered");
  });

  it("one refused order in a batch keeps PimPay's reason; the others go; a client without INN is told", async () => {
    const c = await connected();
    // PimPay knows no shop with this INN: its orders are refused one by one.
    await conn.db
      .update(clients)
      .set({ inn: "7707083893", paymentIntermediary: "pimpay" })
      .where(eq(clients.id, c.t.client.id));
    standIn.createClient({ tin: "7707083893", token: c.token });
    const unknownShop = await createClient(conn.db, c.t.company.id, {
      inn: "500100732259",
      paymentIntermediary: "pimpay",
    });
    const noInn = await createClient(conn.db, c.t.company.id, { paymentIntermediary: "pimpay" });
    const good = await createOrders(conn.db, c.t.company.id, c.t.client.id, 2, { codAmount: 100 });
    const [refused] = await createOrders(conn.db, c.t.company.id, unknownShop.id, 1, { codAmount: 100 });
    const [lacking] = await createOrders(conn.db, c.t.company.id, noInn.id, 1, { codAmount: 100 });

    const r = await pushPayments(conn.db, c.integrationId);
    expect(r).toMatchObject({ upserted: 2, failed: 2 });
    const rows = await conn.db.select().from(paymentExports).where(eq(paymentExports.integrationId, c.integrationId));
    const byId = new Map(rows.map((x) => [x.orderId, x]));
    expect(good.every((o) => byId.get(o.id)!.error === null)).toBe(true);
    expect(byId.get(refused!.id)!.error).toContain("PimPay не принял заказ");
    expect(byId.get(lacking!.id)!.error).toContain("ИНН");
  });

  it("PimPay not answering: the batch waits with the reason and goes on a later run", async () => {
    const c = await connected();
    standIn.createClient({ tin: "7707083893", token: c.token });
    await conn.db
      .update(clients)
      .set({ inn: "7707083893", paymentIntermediary: "pimpay" })
      .where(eq(clients.id, c.t.client.id));
    await createOrders(conn.db, c.t.company.id, c.t.client.id, 2, { codAmount: 100 });
    standIn.failNext(1, "500");
    expect(await pushPayments(conn.db, c.integrationId)).toMatchObject({ upserted: 0, failed: 2 });
    const later = new Date(Date.now() + 5 * 60_000);
    expect(await pushPayments(conn.db, c.integrationId, later)).toMatchObject({ upserted: 2, failed: 0 });
  });
});
