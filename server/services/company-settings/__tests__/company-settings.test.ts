import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { companies, orders } from "@/db/schema";
import { createOrders, createTenant, ctxFor } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { bytesOf, readPdf } from "@/server/documents/__tests__/read-pdf";
import { getApiOrderRules } from "@/server/services/api-settings";
import { openDocument } from "@/server/services/documents/open";
import { calculateDelivery } from "@/server/services/tariffs";
import { apiTenant, order, xmlCall } from "@/server/xmlapi/__tests__/helpers";
import {
  deleteService,
  deleteTariff,
  getCompanySettings,
  listCompanyAudit,
  listTariffs,
  saveApiSettings,
  saveRequisites,
  saveService,
  saveTariff,
  saveZone,
} from "..";

const REQUISITES = {
  name: "ООО «Быстрый курьер»",
  inn: "7707083893",
  address: "г. Москва, ул. Складская, д. 7",
  phone: "+7 495 123-45-67",
};

describe("requisites", () => {
  it("validate the INN's check digit and come out on the waybill and the labels", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await expect(
        saveRequisites({ ctx: t.staffCtx, input: { ...REQUISITES, inn: "7707083894" } }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        fieldErrors: { inn: ["ИНН с ошибкой: не сходится контрольная цифра"] },
      });
      await expect(saveRequisites({ ctx: t.staffCtx, input: { ...REQUISITES, name: " " } })).rejects.toMatchObject({
        fieldErrors: { name: ["Укажите название компании"] },
      });
      expect(await saveRequisites({ ctx: t.staffCtx, input: REQUISITES })).toEqual({ changed: true });
      expect((await getCompanySettings({ ctx: t.staffCtx, input: undefined })).requisites).toMatchObject(REQUISITES);

      const [o] = await createOrders(tx, t.company.id, t.client.id, 1);
      await tx.update(orders).set({ barcode: "KH-1" }).where(eq(orders.id, o!.id));
      const waybill = await openDocument({ ctx: t.staffCtx, input: { kind: "waybill", orderId: o!.id } });
      const [page] = await readPdf(await bytesOf(waybill.stream));
      const text = page!.text.replace(/\s+/g, " ");
      expect(text).toContain(`Перевозчик: ${REQUISITES.name}, ИНН ${REQUISITES.inn}`);
      expect(text).toContain(`${REQUISITES.address}, тел. ${REQUISITES.phone}`);

      const labels = await openDocument({
        ctx: t.staffCtx,
        input: { kind: "labels", format: "100x100", orderId: o!.id },
      });
      const [label] = await readPdf(await bytesOf(labels.stream));
      expect(label!.text.replace(/\s+/g, " ")).toContain(REQUISITES.phone);
    }));

  it("are the admins' alone, and each change is audited field by field", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const actor = t.staffCtx.actor as Extract<typeof t.staffCtx.actor, { type: "staff" }>;
      const operator = ctxFor(tx, { ...actor, role: "operator" });
      await expect(saveRequisites({ ctx: operator, input: REQUISITES })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(getCompanySettings({ ctx: t.clientCtx, input: undefined })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      const before = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, t.company.id));
      await saveRequisites({ ctx: t.staffCtx, input: REQUISITES });
      // The same values again change nothing and write no second row.
      expect(await saveRequisites({ ctx: t.staffCtx, input: REQUISITES })).toEqual({ changed: false });
      await saveRequisites({ ctx: t.staffCtx, input: { ...REQUISITES, phone: "" } });
      const { items } = await listCompanyAudit({ ctx: t.staffCtx, input: { section: "requisites" } });
      expect(items.map((i) => i.changes)).toEqual([
        { phone: [REQUISITES.phone, null] },
        {
          name: [before[0]!.name, REQUISITES.name],
          inn: [null, REQUISITES.inn],
          address: [null, REQUISITES.address],
          phone: [null, REQUISITES.phone],
        },
      ]);
      expect(items[0]!.actorName).toContain(t.staff.login);
      // Another company's journal is not ours.
      const other = await createTenant(tx);
      expect((await listCompanyAudit({ ctx: other.staffCtx, input: {} })).items).toEqual([]);
    }));
});

describe("XML API settings", () => {
  it("strict towns and required fields saved on the page are what neworder applies", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const village = (no: string) => order(no).replace("<town>Москва</town>", "<town>д. Малые Вишеры</town>");
      const first = await xmlCall(tx, `<neworder>${t.auth}${village("V-1")}</neworder>`);
      expect(first.doc.neworder.createorder[0].error).toBe("0");

      await saveApiSettings({
        ctx: t.staffCtx,
        input: { strictTowns: true, requiredFields: ["receiver.company", "receiver.company"] },
      });
      expect(await getApiOrderRules(tx, t.company.id)).toEqual({ strictTowns: true, required: ["receiver.company"] });
      const refused = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("V-2", "", "<company>ООО Получатель</company>").replace("<town>Москва</town>", "<town>д. Малые Вишеры</town>")}</neworder>`,
      );
      expect(refused.doc.neworder.createorder[0].error).toBe("5");
      const noCompany = await xmlCall(tx, `<neworder>${t.auth}${order("V-3")}</neworder>`);
      expect(noCompany.doc.neworder.createorder[0].error).toBe("10");
      const ok = await xmlCall(
        tx,
        `<neworder>${t.auth}${order("V-4", "", "<company>ООО Получатель</company>")}</neworder>`,
      );
      expect(ok.doc.neworder.createorder[0].error).toBe("0");

      await expect(
        saveApiSettings({ ctx: t.staffCtx, input: { strictTowns: false, requiredFields: ["receiver.inn"] } }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      const { items } = await listCompanyAudit({ ctx: t.staffCtx, input: { section: "api" } });
      expect(items).toHaveLength(1);
      expect(items[0]!.changes).toEqual({ requiredFields: [[], ["receiver.company"]], strictTowns: [false, true] });
    }));
});

describe("services and tariffs", () => {
  const calc = (ctx: Parameters<typeof calculateDelivery>[0]["ctx"]) =>
    calculateDelivery({ ctx, input: { townFrom: "Москва", townTo: "Тверь", mass: 2 } });

  it("an edited price row changes the calculator's answer", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const ctx = t.staffCtx;
      await saveService({ ctx, input: { code: 7, name: "Экспресс" } });
      const { id } = await saveTariff({
        ctx,
        input: {
          serviceCode: 7,
          townFrom: "москва",
          townTo: "Тверь",
          weightFrom: 0,
          weightTo: 5,
          price: 400,
          minDays: 1,
          maxDays: 2,
        },
      });
      expect(await calc(ctx)).toMatchObject([{ serviceCode: 7, serviceName: "Экспресс", price: 400, maxDays: 2 }]);
      // Towns are stored as the reference names the calculator compares.
      expect((await listTariffs({ ctx, input: {} })).items[0]).toMatchObject({ townFrom: "Москва", townTo: "Тверь" });

      await saveTariff({
        ctx,
        input: {
          id,
          serviceCode: 7,
          townFrom: "Москва",
          townTo: "Тверь",
          weightFrom: 0,
          weightTo: 5,
          price: "455,50",
          minDays: 1,
          maxDays: 3,
        },
      });
      expect(await calc(ctx)).toMatchObject([{ price: 455.5, maxDays: 3 }]);
      // A zone row plus a zone price: the more specific town pair still wins, until it goes.
      await saveZone({ ctx, input: { townTo: "Тверь", zone: 2 } });
      await saveTariff({ ctx, input: { serviceCode: 7, zone: 2, weightFrom: 0, price: 300, minDays: 2, maxDays: 4 } });
      expect(await calc(ctx)).toMatchObject([{ price: 455.5 }]);
      await deleteTariff({ ctx, input: { id } });
      expect(await calc(ctx)).toMatchObject([{ price: 300, zone: 2 }]);

      const audit = await listCompanyAudit({ ctx, input: {} });
      expect(audit.items.map((i) => [i.section, i.action])).toEqual([
        ["tariff", "delete"],
        ["tariff", "create"],
        ["zone", "create"],
        ["tariff", "update"],
        ["tariff", "create"],
        ["service", "create"],
      ]);
      expect(audit.items[3]!.changes).toEqual({ price: [400, 455.5], maxDays: [2, 3] });
    }));

  it("refuses unknown towns and services, reversed weight steps and terms, a service still priced", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const ctx = t.staffCtx;
      await saveService({ ctx, input: { code: 1, name: "Стандарт" } });
      const row = { serviceCode: 1, weightFrom: 0, price: 100, minDays: 1, maxDays: 1 };
      await expect(saveTariff({ ctx, input: { ...row, townTo: "Нетакойгород" } })).rejects.toMatchObject({
        fieldErrors: { townTo: ["Город не найден в справочнике"] },
      });
      await expect(saveTariff({ ctx, input: { ...row, serviceCode: 2 } })).rejects.toMatchObject({
        fieldErrors: { serviceCode: ["Нет такой услуги"] },
      });
      await expect(saveTariff({ ctx, input: { ...row, weightFrom: 5, weightTo: 3 } })).rejects.toMatchObject({
        fieldErrors: { weightTo: ["«Вес до» больше «веса от»"] },
      });
      await expect(saveTariff({ ctx, input: { ...row, minDays: 3, maxDays: 2 } })).rejects.toMatchObject({
        fieldErrors: { maxDays: ["Не меньше минимального срока"] },
      });
      await expect(saveTariff({ ctx, input: { ...row, price: -1 } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await saveTariff({ ctx, input: row });
      await expect(deleteService({ ctx, input: { code: 1 } })).rejects.toMatchObject({ code: "CONFLICT" });
      await saveZone({ ctx, input: { townTo: "Тверь", zone: 1 } });
      await expect(saveZone({ ctx, input: { townTo: "тверь", zone: 3 } })).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await getCompanySettings({ ctx, input: undefined })).services).toEqual([
        { code: 1, name: "Стандарт", tariffs: 1 },
      ]);
    }));
});
