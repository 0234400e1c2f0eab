import bcrypt from "bcryptjs";
import { and, eq, inArray } from "drizzle-orm";
import { insertOrders, appendStatus } from "@/server/services/orders/write";
import { saveIntegration } from "@/server/services/integrations/save";
import { orderDataSchema } from "@/server/services/orders/schemas";
import type { Database } from "./client";
import {
  branches,
  clients,
  companies,
  deliveryServices,
  manifests,
  orders,
  staffUsers,
  tariffs,
  tariffZones,
} from "./schema";

/** Demo data listed in the README. Runs once: a second start finds company 101 and seeds nothing. */
export async function seedDemo(
  db: Database,
  log: (m: string) => void = console.log,
  /** The partners' stand-ins (npm start runs them beside the demo): a branch of Альфа hands its orders to each. */
  standIns: { cdek?: string; topDelivery?: string } = {},
): Promise<boolean> {
  const cdekStandInUrl = standIns.cdek;
  const [existing] = await db.select({ id: companies.id }).from(companies).where(eq(companies.extraCode, 101));
  if (existing) return false;
  log("Заполняю демо-данные …");
  await db.transaction(async (tx) => {
    const hash = (p: string) => bcrypt.hashSync(p, 10);
    const [alfa] = await tx
      .insert(companies)
      .values({ name: "Альфа Курьер", extraCode: 101, inn: "7701234560" })
      .returning();
    const [beta] = await tx
      .insert(companies)
      .values({ name: "Бета Экспресс", extraCode: 202, inn: "5401234566" })
      .returning();
    await tx.insert(staffUsers).values([
      { companyId: alfa!.id, login: "admin", passwordHash: hash("admin"), name: "Администратор Альфы", role: "admin" },
      { companyId: beta!.id, login: "admin", passwordHash: hash("admin"), name: "Администратор Беты", role: "admin" },
    ]);
    const [shop] = await tx
      .insert(clients)
      .values({
        companyId: alfa!.id,
        name: "Демо-магазин",
        kind: "shop",
        inn: "7712345671",
        currency: "RUB",
        contactPerson: "Ирина Соколова",
        phone: "+7 495 123-45-67",
        email: "shop@example.ru",
        address: "Москва, ул. Тверская, 1",
        login: "shop",
        passwordHash: hash("shop"),
      })
      .returning();
    const [otherShop] = await tx
      .insert(clients)
      .values({
        companyId: alfa!.id,
        name: "Книжная лавка",
        kind: "shop",
        inn: "7723456782",
        currency: "RUB",
        paymentIntermediary: "pimpay",
      })
      .returning();
    await tx.insert(clients).values({
      companyId: beta!.id,
      name: "Альфа Курьер",
      kind: "courier",
      inn: "7701234560",
      currency: "RUB",
      contactPerson: "Диспетчер Альфы",
      partnerExtraCode: 101,
      login: "alfa",
      passwordHash: hash("alfa"),
    });
    const [moscow] = await tx
      .insert(branches)
      .values({ companyId: alfa!.id, code: "MSK", name: "Москва (головной)", town: "Москва" })
      .returning();
    const [novosib] = await tx
      .insert(branches)
      .values({ companyId: alfa!.id, code: "BETA-NSK", name: "Бета Экспресс (Новосибирск)", town: "Новосибирск" })
      .returning();
    await tx.insert(branches).values({ companyId: beta!.id, code: "NSK", name: "Новосибирск", town: "Новосибирск" });
    // Бета as Альфа's delivery partner: a client account at Альфа that the branch «Бета Экспресс (Новосибирск)»
    // stands for; Бета pulls its work with statusreq client=AGENT and reports with setorderinfo.
    const [betaAgent] = await tx
      .insert(clients)
      .values({
        companyId: alfa!.id,
        name: "Бета Экспресс (агент)",
        kind: "courier",
        inn: "5401234566",
        currency: "RUB",
        partnerExtraCode: 202,
        login: "beta",
        passwordHash: hash("beta"),
      })
      .returning();
    await tx.update(branches).set({ agentClientId: betaAgent!.id }).where(eq(branches.id, novosib!.id));
    // …and the other way round: Альфа hands orders to Бета through Бета's XML API (here: this same deployment) as
    // Бета's client «Альфа Курьер», so setting a send date on a manifest to this branch transfers its orders.
    await saveIntegration({
      ctx: { db: tx, actor: { type: "system", companyId: alfa!.id, job: "демо-данные" } },
      input: {
        branchId: novosib!.id,
        integrator: "measoft",
        values: { login: "alfa", password: "alfa", extra: "202", apiUrl: "" },
      },
    });
    if (cdekStandInUrl) {
      const [cdekBranch] = await tx
        .insert(branches)
        .values({ companyId: alfa!.id, code: "CDEK-DEMO", name: "СДЭК (демо-стенд)", town: "Москва" })
        .returning();
      await saveIntegration({
        ctx: { db: tx, actor: { type: "system", companyId: alfa!.id, job: "демо-данные" } },
        input: {
          branchId: cdekBranch!.id,
          integrator: "cdek",
          values: {
            account: "demo-account",
            securePassword: "demo-secure",
            apiUrl: cdekStandInUrl,
            tariffCode: 136,
            shipmentPoint: "MSK1",
            defaultDimensions: "30x20x10",
            senderCompany: "Альфа Курьер",
            senderPhone: "+74951234567",
          },
        },
      });
    }
    if (standIns.topDelivery) {
      const [tdBranch] = await tx
        .insert(branches)
        .values({ companyId: alfa!.id, code: "TD-DEMO", name: "TopDelivery (демо-стенд)", town: "Москва" })
        .returning();
      await saveIntegration({
        ctx: { db: tx, actor: { type: "system", companyId: alfa!.id, job: "демо-данные" } },
        input: {
          branchId: tdBranch!.id,
          integrator: "topdelivery",
          values: {
            login: "kh-demo-shop",
            password: "kh-demo-shop-pass",
            gateLogin: "kh-gate",
            gatePassword: "kh-gate-pass",
            gateUrl: standIns.topDelivery,
            pollMinutes: 1,
          },
        },
      });
    }
    // Delivery modes and a small tariff: zone 1 — Moscow region, zone 2 — the rest; an own price for Москва → Тверь.
    await tx.insert(deliveryServices).values([
      { companyId: alfa!.id, code: 1, name: "Стандарт" },
      { companyId: alfa!.id, code: 2, name: "Экспресс" },
      { companyId: alfa!.id, code: 3, name: "Забор груза" },
    ]);
    await tx.insert(tariffZones).values([
      { companyId: alfa!.id, townFrom: "Москва", townTo: "Москва", zone: 1 },
      { companyId: alfa!.id, townFrom: "Москва", townTo: "Королёв", zone: 1 },
      { companyId: alfa!.id, townFrom: "Москва", townTo: "Химки", zone: 1 },
    ]);
    await tx.insert(tariffs).values([
      {
        companyId: alfa!.id,
        serviceCode: 1,
        zone: 1,
        weightFrom: "0",
        weightTo: "1",
        price: "300",
        minDays: 1,
        maxDays: 1,
      },
      {
        companyId: alfa!.id,
        serviceCode: 1,
        zone: 1,
        weightFrom: "1",
        weightTo: "5",
        price: "400",
        minDays: 1,
        maxDays: 2,
      },
      {
        companyId: alfa!.id,
        serviceCode: 1,
        zone: 1,
        weightFrom: "5",
        price: "400",
        extraPerKg: "30",
        minDays: 1,
        maxDays: 2,
      },
      {
        companyId: alfa!.id,
        serviceCode: 2,
        zone: 1,
        weightFrom: "0",
        weightTo: "5",
        price: "700",
        minDays: 0,
        maxDays: 1,
      },
      { companyId: alfa!.id, serviceCode: 1, weightFrom: "0", weightTo: "1", price: "550", minDays: 3, maxDays: 7 },
      { companyId: alfa!.id, serviceCode: 1, weightFrom: "1", price: "550", extraPerKg: "60", minDays: 3, maxDays: 7 },
      {
        companyId: alfa!.id,
        serviceCode: 1,
        townFrom: "Москва",
        townTo: "Тверь",
        weightFrom: "0",
        weightTo: "1",
        price: "350",
        minDays: 1,
        maxDays: 2,
      },
      {
        companyId: alfa!.id,
        serviceCode: 1,
        townFrom: "Москва",
        townTo: "Тверь",
        weightFrom: "1",
        price: "350",
        extraPerKg: "40",
        minDays: 1,
        maxDays: 2,
      },
    ]);

    const rnd = mulberry32(2026);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const people = [
      "Иванов Иван",
      "Петрова Анна",
      "Сидоров Пётр",
      "Кузнецова Мария",
      "Смирнов Алексей",
      "Попова Елена",
      "Волков Дмитрий",
      "Новикова Ольга",
    ];
    const towns = [
      "Москва",
      "Санкт-Петербург",
      "Новосибирск",
      "Екатеринбург",
      "Казань",
      "Нижний Новгород",
      "Тверь",
      "Самара",
    ];
    const streets = ["ул. Ленина", "пр. Мира", "ул. Гагарина", "ул. Садовая", "ул. Советская", "Красный пр."];
    const goods = ["Настольная лампа", "Книга", "Чайник", "Наушники", "Рюкзак", "Кружка", "Плед"];
    const requests = Array.from({ length: 300 }, (_, i) => {
      const price = Math.round(500 + rnd() * 9500);
      const data = orderDataSchema.parse({
        number: `DEMO-${String(i + 1).padStart(4, "0")}`,
        sender: {
          company: "Демо-магазин",
          person: "Ирина Соколова",
          phone: "+7 495 123-45-67",
          town: "Москва",
          address: "ул. Тверская, 1",
        },
        receiver: {
          person: pick(people),
          phone: `+7 9${Math.floor(10 + rnd() * 89)} ${Math.floor(100 + rnd() * 899)}-${Math.floor(10 + rnd() * 89)}-${Math.floor(10 + rnd() * 89)}`,
          town: pick(towns),
          address: `${pick(streets)}, д. ${1 + Math.floor(rnd() * 120)}, кв. ${1 + Math.floor(rnd() * 200)}`,
        },
        weight: Math.round((0.2 + rnd() * 10) * 10) / 10,
        quantity: 1,
        codAmount: price,
        declaredValue: price,
        deliveryPrice: 300,
        payType: pick(["CASH", "CARD", "NO"] as const),
        serviceCode: 1,
        enclosure: pick(goods),
        items: [{ name: pick(goods), quantity: 1, mass: 0.5, retailPrice: price, vatRate: 20 }],
      });
      return { clientId: i % 5 === 4 ? otherShop!.id : shop!.id, data };
    });
    const created = await insertOrders(tx, alfa!.id, "cabinet", requests, new Date());
    const ids = created.flatMap((r) => (r.ok ? [r.id] : []));
    const flow = ["ACCEPTED", "DELIVERY", "COMPLETE"];
    for (const [i, id] of ids.entries()) {
      const steps = i % 7 === 0 ? ["ACCEPTED", "DELIVERY", "COURIERCANCELED", "CANCELED"] : flow.slice(0, i % 4);
      let t = Date.now() - (ids.length - i) * 3_600_000;
      for (const s of steps) {
        t += 1_800_000;
        await appendStatus(tx, { id, companyId: alfa!.id }, s, "cabinet", new Date(t));
      }
    }
    // One bag of each kind: a draft to fill, an assembled one waiting for its send date, one already sent.
    const fresh = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.companyId, alfa!.id), eq(orders.status, "NEW")))
      .orderBy(orders.id)
      .limit(15);
    const [draft, assembled, sent] = await tx
      .insert(manifests)
      .values([
        {
          companyId: alfa!.id,
          number: "М-00001",
          creatingBranchId: moscow!.id,
          responsibleBranchId: novosib!.id,
          state: "draft",
        },
        {
          companyId: alfa!.id,
          number: "М-00002",
          creatingBranchId: moscow!.id,
          responsibleBranchId: novosib!.id,
          state: "assembled",
        },
        {
          companyId: alfa!.id,
          number: "М-00003",
          creatingBranchId: moscow!.id,
          responsibleBranchId: moscow!.id,
          state: "sent",
          sendDate: "2026-11-01",
        },
      ])
      .returning();
    const slice = (a: number, b: number) => fresh.slice(a, b).map((o) => o.id);
    await tx
      .update(orders)
      .set({ manifestId: draft!.id })
      .where(inArray(orders.id, slice(0, 3)));
    await tx
      .update(orders)
      .set({ manifestId: assembled!.id })
      .where(inArray(orders.id, slice(3, 8)));
    await tx
      .update(orders)
      .set({ manifestId: sent!.id, responsibleBranchId: moscow!.id })
      .where(inArray(orders.id, slice(8, 12)));
  });
  log(
    "Демо-данные готовы: Альфа Курьер (101) admin/admin, клиент shop/shop, партнёр beta/beta; Бета Экспресс (202) admin/admin, клиент alfa/alfa",
  );
  return true;
}

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
