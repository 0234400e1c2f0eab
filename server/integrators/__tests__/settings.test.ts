import { describe, expect, it } from "vitest";
import { INTEGRATOR_FORMS, INTEGRATOR_SETTINGS, integratorForm } from "../catalog";
import { validateSettings } from "../fields";
import { INTEGRATORS } from "../registry";

const form = (id: string) => integratorForm(id)!;
const names = (id: string) => form(id).fields.map((f) => f.name);

describe("integrator settings forms", () => {
  it("pairs every catalog entry with an adapter of the same id", () => {
    expect(Object.keys(INTEGRATORS).sort()).toEqual(INTEGRATOR_SETTINGS.map((s) => s.id).sort());
    for (const s of INTEGRATOR_SETTINGS) expect(INTEGRATORS[s.id]!.schema).toBe(s.schema);
  });

  it("derives Russian labels, required flags, secrets and defaults from the schema", () => {
    expect(names("measoft")).toEqual(["login", "password", "extra", "apiUrl"]);
    expect(form("measoft").fields.map((f) => [f.name, f.label, f.type, f.required, f.secret])).toEqual([
      ["login", "Логин", "text", true, false],
      ["password", "Пароль", "password", true, true],
      ["extra", "Код клиента", "text", true, false],
      ["apiUrl", "API URL", "url", false, false],
    ]);
    expect(form("cdek").fields.find((f) => f.name === "testMode")).toMatchObject({
      type: "boolean",
      default: false,
      required: false,
    });
    expect(form("cdek").fields.find((f) => f.name === "tariffCode")).toMatchObject({ type: "number", required: true });
    expect(
      form("cdek")
        .fields.filter((f) => f.secret)
        .map((f) => f.name),
    ).toEqual(["securePassword"]);
    expect(
      form("topdelivery")
        .fields.filter((f) => f.secret)
        .map((f) => f.name),
    ).toEqual(["password", "gatePassword"]);
    for (const f of INTEGRATOR_FORMS.flatMap((x) => x.fields)) expect(f.label).toMatch(/[А-Яа-яA-Z]/);
  });

  it("puts a Russian message on each missing or malformed field", () => {
    const r = validateSettings(form("measoft").settings, {
      login: "  ",
      password: "",
      extra: "двести",
      apiUrl: "ftp://x",
    });
    expect(r).toEqual({
      ok: false,
      fieldErrors: {
        login: ["Укажите логин"],
        password: ["Укажите пароль"],
        extra: ["Код клиента — число, например 202"],
        apiUrl: ["Адрес вида https://example.ru/api/"],
      },
    });
    const c = validateSettings(form("cdek").settings, {
      account: "a",
      securePassword: "b",
      tariffCode: "abc",
      senderPhone: "8 900",
    });
    expect(c.ok).toBe(false);
    expect(!c.ok && c.fieldErrors).toEqual({
      tariffCode: ["Код тарифа — целое число"],
      senderPhone: ["Телефон в международном формате, например +79001234567"],
    });
  });

  it("trims, coerces and applies defaults on valid input", () => {
    const r = validateSettings(form("cdek").settings, {
      account: " acc ",
      securePassword: "s",
      tariffCode: "136",
      shipmentPoint: " MSK1 ",
      senderAddress: "",
    });
    expect(r).toEqual({
      ok: true,
      data: {
        account: "acc",
        securePassword: "s",
        tariffCode: 136,
        testMode: false,
        contractType: "1",
        shipmentPoint: "MSK1",
        quietPollMinutes: 30,
      },
    });
    // Where CDEK takes the parcels: a shipment point or a pick-up address with its city, exactly one.
    const neither = validateSettings(form("cdek").settings, { account: "a", securePassword: "s", tariffCode: 136 });
    expect(!neither.ok && neither.fieldErrors).toEqual({
      shipmentPoint: ["Укажите пункт приёма СДЭК или адрес забора с городом"],
    });
    const noCity = validateSettings(form("cdek").settings, {
      account: "a",
      securePassword: "s",
      tariffCode: 136,
      senderAddress: "ул. Ленина, 1",
    });
    expect(!noCity.ok && noCity.fieldErrors).toEqual({ senderCity: ["Для адреса забора укажите город"] });
    expect(
      validateSettings(form("measoft").settings, {
        login: "alfa",
        password: "p",
        extra: "202",
        apiUrl: "https://home.courierexe.ru/api/",
      }).ok,
    ).toBe(true);
  });

  it("lets a stored secret be left blank, and only a stored one", () => {
    const values = { login: "alfa", password: "", extra: "202" };
    expect(validateSettings(form("measoft").settings, values, ["password"])).toEqual({
      ok: true,
      data: { login: "alfa", extra: "202" },
    });
    expect(validateSettings(form("measoft").settings, values, []).ok).toBe(false);
    // A stored secret does not relax a non-secret required field.
    expect(validateSettings(form("measoft").settings, { password: "" }, ["password"])).toMatchObject({
      ok: false,
      fieldErrors: { login: ["Укажите логин"] },
    });
  });
});
