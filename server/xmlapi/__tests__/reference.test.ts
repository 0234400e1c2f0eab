import { describe, expect, it } from "vitest";
import { deliveryServices, tariffs, tariffZones } from "@/db/schema";
import { withTestTransaction } from "@/db/test/helpers";
import { apiTenant, order, xmlCall } from "./helpers";

async function tenantWithTariffs(tx: Parameters<Parameters<typeof withTestTransaction>[0]>[0]) {
  const t = await apiTenant(tx);
  const companyId = t.company.id;
  await tx.insert(deliveryServices).values([
    { companyId, code: 1, name: "Стандарт" },
    { companyId, code: 2, name: "Экспресс" },
  ]);
  await tx.insert(tariffZones).values({ companyId, townFrom: "Москва", townTo: "Москва", zone: 1 });
  await tx.insert(tariffs).values([
    { companyId, serviceCode: 1, zone: 1, weightFrom: "0", weightTo: "1", price: "300", minDays: 1, maxDays: 1 },
    { companyId, serviceCode: 1, zone: 1, weightFrom: "1", price: "300", extraPerKg: "50", minDays: 1, maxDays: 2 },
    { companyId, serviceCode: 2, zone: 1, weightFrom: "0", weightTo: "5", price: "700", minDays: 0, maxDays: 1 },
    { companyId, serviceCode: 1, weightFrom: "0", price: "900", extraPerKg: "0", minDays: 3, maxDays: 7 },
    {
      companyId,
      serviceCode: 1,
      townFrom: "Москва",
      townTo: "Тверь",
      weightFrom: "0",
      weightTo: "10",
      price: "350",
      minDays: 1,
      maxDays: 2,
    },
  ]);
  return t;
}

describe("calculator", () => {
  it("prices by town pair, zone and weight step, for one service or all, in attribute and element form", () =>
    withTestTransaction(async (tx) => {
      const t = await tenantWithTariffs(tx);
      const calc = async (attrs: string) =>
        (await xmlCall(tx, `<calculator>${t.auth}<calc ${attrs}/></calculator>`)).doc.calculator;
      const all = await calc('townfrom="Москва" townto="Москва" mass="0.8"');
      expect(all.calc.map((c: { service: string; price: string }) => [c.service, c.price])).toEqual([
        ["1", "300"],
        ["2", "700"],
      ]);
      expect(all.calc[0]).toMatchObject({ zone: "1", mindeliverydays: "1", maxdeliverydays: "1" });
      expect(all.calc[0].service).toBe("1");
      // Above the last step's lower bound each started kilogram adds extraPerKg: 2.5 kg → 300 + 2 × 50.
      expect((await calc('townfrom="Москва" townto="Москва" mass="2.5" service="1"')).calc[0].price).toBe("400");
      // Volumetric weight 40×30×20/5000 = 4.8 kg beats the actual 1 kg: 300 + 4 × 50.
      expect(
        (await calc('townfrom="Москва" townto="Москва" mass="1" l="40" w="30" h="20" service="1"')).calc[0],
      ).toMatchObject({ price: "500", mass: "4.8" });
      // Own price for the town pair beats the company-wide row.
      expect((await calc('townfrom="Москва" townto="Тверь" mass="3"')).calc[0]).toMatchObject({
        service: "1",
        price: "350",
      });
      expect((await calc('townfrom="Москва" townto="Казань" mass="3"')).calc[0]).toMatchObject({
        service: "1",
        price: "900",
        maxdeliverydays: "7",
      });
      // Destination by postal code when no town is given.
      expect((await calc('townfrom="Москва" zipcode="170000" mass="3"')).calc[0].townto).toBe("Тверь");
      // The newer <order> form.
      const newer = await xmlCall(
        tx,
        `<calculator>${t.auth}<order><sender><town>Москва</town></sender><receiver><town>Москва</town></receiver><service>2</service><packages><package mass="0.5" quantity="2"/></packages></order></calculator>`,
      );
      expect(newer.doc.calculator.calc[0]).toMatchObject({ service: "2", price: "700", mass: "1" });
      expect(newer.xml).toContain("<price>700</price>");
    }));

  it.each([
    ["15 tariff not found", 'townfrom="Москва" townto="Москва" mass="8" service="2"', 15],
    ["18 town from not given", 'townto="Москва" mass="1"', 18],
    ["19 town to not given", 'townfrom="Москва" mass="1"', 19],
    ["20 bad mass", 'townfrom="Москва" townto="Москва" mass="-1"', 20],
    ["20 bad mass (text)", 'townfrom="Москва" townto="Москва" mass="кило"', 20],
    ["21 town from not found", 'townfrom="Гондор" townto="Москва" mass="1"', 21],
    ["22 town to not found", 'townfrom="Москва" townto="Мордор" mass="1"', 22],
    ["23 mass not given", 'townfrom="Москва" townto="Москва"', 23],
  ])("answers %s", (_n, attrs, code) =>
    withTestTransaction(async (tx) => {
      const t = await tenantWithTariffs(tx);
      const { status, doc } = await xmlCall(tx, `<calculator>${t.auth}<calc ${attrs}/></calculator>`);
      expect(status).toBe(200);
      expect(doc.calculator.error).toBe(String(code));
    }),
  );

  it("answers 25 without valid credentials", () =>
    withTestTransaction(async (tx) => {
      const t = await tenantWithTariffs(tx);
      const { doc } = await xmlCall(
        tx,
        `<calculator><auth extra="${t.company.extraCode}" login="x" pass="y"/><calc townfrom="Москва" townto="Москва" mass="1"/></calculator>`,
      );
      expect(doc.calculator.error).toBe("25");
    }));
});

describe("services and client", () => {
  it("lists the company's delivery modes with only the extra code", () =>
    withTestTransaction(async (tx) => {
      const t = await tenantWithTariffs(tx);
      const { doc } = await xmlCall(tx, `<services><auth extra="${t.company.extraCode}"/></services>`);
      expect(doc.services.service.map((s: { code: string; name: string }) => [s.code, s.name])).toEqual([
        ["1", "Стандарт"],
        ["2", "Экспресс"],
      ]);
      expect((await xmlCall(tx, `<services><auth extra="424242424"/></services>`)).doc.services.error).toBe("25");
    }));

  it("tells the caller its client code", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const { doc } = await xmlCall(tx, `<client>${t.auth}</client>`);
      expect(doc.client.code).toBe(String(t.client.id));
      expect(
        (
          await xmlCall(
            tx,
            `<client><auth extra="${t.company.extraCode}" login="${t.client.login}" pass="bad"/></client>`,
          )
        ).doc.client.error,
      ).toBe("25");
    }));
});

describe("townlist, regionlist, streetlist", () => {
  it("serves towns from the shipped reference data without auth", () =>
    withTestTransaction(async (tx) => {
      const towns = async (body: string) => (await xmlCall(tx, `<townlist>${body}</townlist>`)).doc.townlist;
      const tver = await towns("<conditions><namestarts>Твер</namestarts></conditions>");
      expect(tver.town.map((x: { name: string }) => x.name)).toEqual(["Тверь"]);
      expect(tver.town[0]).toMatchObject({
        kladrcode: "6900000100000",
        shortname: "г",
        region: { code: "69" },
        country: { name: "Россия" },
      });
      // Most populous first: Москва leads the whole list; limit and countall page it.
      const page = await towns(
        "<limit><limitfrom>0</limitfrom><limitcount>3</limitcount><countall>YES</countall></limit>",
      );
      expect(page.town[0].name).toBe("Москва");
      expect(page.town).toHaveLength(3);
      expect(page.totalcount).toBe("1117");
      expect((await towns("<codesearch><zipcode>170000</zipcode></codesearch>")).town[0].name).toBe("Тверь");
      const inRegion = await towns("<conditions><region>40</region><name>Киров</name></conditions>");
      expect(inRegion.town.map((x: { region: { code: string } }) => x.region.code)).toEqual(["40"]);
      expect((await towns("<conditions><namecontains>ёлк</namecontains></conditions>")).count).not.toBe("0");
      expect((await towns("<conditions><country>Франция</country></conditions>")).count).toBe("0");
    }));

  it("serves regions", () =>
    withTestTransaction(async (tx) => {
      const { doc } = await xmlCall(tx, `<regionlist><codesearch><code>77</code></codesearch></regionlist>`);
      expect(doc.regionlist.region[0]).toMatchObject({ code: "77", name: "Москва" });
      const obl = await xmlCall(
        tx,
        `<regionlist><conditions><namestarts>Москов</namestarts></conditions></regionlist>`,
      );
      expect(obl.doc.regionlist.region.map((r: { fullname: string }) => r.fullname)).toEqual(["Московская обл"]);
      const all = await xmlCall(tx, `<regionlist/>`);
      expect(Number(all.doc.regionlist.count)).toBeGreaterThan(80);
    }));

  it("lists the streets of a town found in the company's own orders", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const other = await apiTenant(tx);
      const at = (no: string, address: string, town = "Москва") =>
        order(no).replace("ул. Ленина, д. 1", address).replace("<town>Москва</town>", `<town>${town}</town>`);
      await xmlCall(
        tx,
        `<neworder>${t.auth}${at("1", "ул. Ленина, д. 5")}${at("2", "пр. Мира, д. 1, кв. 2")}${at("3", "Садовая ул., 7")}${at("4", "ул. Ленина, д. 9")}${at("5", "ул. Тверская, 3", "Тверь")}</neworder>`,
      );
      await xmlCall(tx, `<neworder>${other.auth}${at("1", "ул. Чужая, 1")}</neworder>`);
      const streets = async (body: string) =>
        (await xmlCall(tx, `<streetlist><auth extra="${t.company.extraCode}"/>${body}</streetlist>`)).doc.streetlist;
      const moscow = await streets("<conditions><town>Москва</town></conditions>");
      expect(moscow.street.map((s: { name: string; shortname: string }) => `${s.shortname} ${s.name}`)).toEqual([
        "ул Ленина",
        "пр Мира",
        "ул Садовая",
      ]);
      expect(
        (await streets("<conditions><town>Москва</town><namestarts>Ми</namestarts></conditions>")).street.map(
          (s: { name: string }) => s.name,
        ),
      ).toEqual(["Мира"]);
      expect(
        (await streets("<conditions><town>Москва</town></conditions>")).street.find(
          (s: { name: string }) => s.name === "Чужая",
        ),
      ).toBeUndefined();
      expect((await streets("")).error).toBe("19");
      expect((await streets("<conditions><town>Изумрудный город</town></conditions>")).error).toBe("22");
      expect(
        (await xmlCall(tx, `<streetlist><conditions><town>Москва</town></conditions></streetlist>`)).doc.streetlist
          .count,
      ).toBe("0");
    }));
});
