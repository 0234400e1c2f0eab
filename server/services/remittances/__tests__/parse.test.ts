import { deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { mapCdekRegistries, parseKopecks } from "@/server/integrators/cdek/registries";
import { groupRegistries, normalizeHeader, parseRegistryFile } from "../parse";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Windows-1251 for Cyrillic and ASCII: what Excel writes as «CSV» on a Russian Windows. */
function cp1251(s: string): Uint8Array {
  return Uint8Array.from(
    [...s].map((ch) => {
      const c = ch.codePointAt(0)!;
      if (c < 0x80) return c;
      if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
      if (c === 0x401) return 0xa8;
      if (c === 0x451) return 0xb8;
      if (c === 0x2116) return 0xb9;
      throw new Error(`no cp1251 for ${ch}`);
    }),
  );
}

const RU_HEADER = [
  "Номер реестра",
  "Дата платежа",
  "Номер платёжного поручения",
  "Номер заказа СДЭК",
  "Наложенный платёж",
  "Сумма к перечислению",
  "Сумма без агентского",
  "Агентское вознаграждение",
];

describe("registry file parsing", () => {
  it("reads a `;` csv with Russian headers and decimal commas", async () => {
    const csv = [
      RU_HEADER.join(";"),
      "R-77;30.11.2026;ПП-15;1000000001;1 500,00;1 180,50;300,00;19,50",
      "R-77;30.11.2026;ПП-15;1000000002;0;-350;340;10",
    ].join("\r\n");
    const parsed = await parseRegistryFile(utf8(csv), "реестр.csv");
    expect(parsed.format).toBe("csv");
    expect(parsed.problems).toEqual([]);
    expect(parsed.unknownHeaders).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        registryNumber: "R-77",
        paymentDate: "2026-11-30",
        paymentOrderNumber: "ПП-15",
        registrySum: null,
        cdekNumber: "1000000001",
        paymentSum: 150_000,
        transferSum: 118_050,
        totalWithoutAgent: 30_000,
        commission: 1_950,
      },
      {
        line: 3,
        registryNumber: "R-77",
        paymentDate: "2026-11-30",
        paymentOrderNumber: "ПП-15",
        registrySum: null,
        cdekNumber: "1000000002",
        paymentSum: 0,
        transferSum: -35_000,
        totalWithoutAgent: 34_000,
        commission: 1_000,
      },
    ]);
  });

  it("reads a `,` csv with API field names in another column order, with a BOM, quotes and unknown headers", async () => {
    const csv =
      "\ufeffcdek_number,Комментарий,agent_commission_sum,transfer_sum,payment_sum,registry_number,payment_date\n" +
      '1000000003,"менеджер: Иванов, ""срочно""",12.5,987.5,1000,555,2026-11-29\n';
    const parsed = await parseRegistryFile(utf8(csv), "registry.csv");
    expect(parsed.problems).toEqual([]);
    expect(parsed.unknownHeaders).toEqual(["Комментарий"]);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0]).toMatchObject({
      registryNumber: "555",
      paymentDate: "2026-11-29",
      cdekNumber: "1000000003",
      paymentSum: 100_000,
      transferSum: 98_750,
      commission: 1_250,
      totalWithoutAgent: null,
    });
  });

  it("reads cp1251, a title above the header, spacing/case-blind headers and a totals line", async () => {
    const csv = [
      "Реестр наложенных платежей № 9 от 01.12.2026",
      "",
      "  НОМЕР   РЕЕСТРА ;№ заказа СДЕК;НАЛОЖЕННЫЙ ПЛАТЕЖ, руб.;Сумма к перечислению, руб.;Агентское вознаграждение",
      "9;1000000004;200;190;10",
      ";1000000005;300;285;15",
      "Итого;;500;475;25",
    ].join("\r\n");
    const parsed = await parseRegistryFile(cp1251(csv), "9.csv");
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => [r.line, r.registryNumber, r.cdekNumber, r.paymentSum])).toEqual([
      [4, "9", "1000000004", 20_000],
      // A blank registry number continues the group above it.
      [5, "9", "1000000005", 30_000],
    ]);
  });

  it("reads an xlsx built with exceljs: numbers, dates, text cells and a formula", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Титул").addRow(["Отчёт СДЭК"]);
    const ws = wb.addWorksheet("Реестр");
    ws.addRow(["Отчёт о переводе наложенных платежей"]);
    ws.addRow([
      "Агентское вознаграждение",
      "Сумма к перечислению",
      "Номер заказа СДЭК",
      "Номер реестра",
      "Дата платежа",
      "Наложенный платёж",
    ]);
    ws.addRow([19.5, 1180.5, 1000000006, 4242, new Date(Date.UTC(2026, 10, 30)), 1200]);
    const r = ws.addRow([0.1, 9.9, "1000000007", "4242", "30.11.2026", 10]);
    r.getCell(2).value = { formula: "F4-A4", result: 9.9 };
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());

    const parsed = await parseRegistryFile(bytes, "report.xlsx");
    expect(parsed.format).toBe("xlsx");
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toEqual([
      expect.objectContaining({
        line: 3,
        registryNumber: "4242",
        paymentDate: "2026-11-30",
        cdekNumber: "1000000006",
        commission: 1_950,
        transferSum: 118_050,
        paymentSum: 120_000,
      }),
      expect.objectContaining({
        line: 4,
        cdekNumber: "1000000007",
        commission: 10,
        transferSum: 990,
        paymentSum: 1_000,
      }),
    ]);
  });

  it("reports unreadable cells by line and refuses files without the registry's columns", async () => {
    const csv = [
      "registry_number;cdek_number;payment_sum;transfer_sum;agent_commission_sum;payment_date",
      "1;1000000008;сто;90;10;31.02.2026",
      "1;;100;90;10;",
      "1;1000000009;100;90;;",
    ].join("\n");
    const parsed = await parseRegistryFile(utf8(csv), "bad.csv");
    expect(parsed.rows).toEqual([]);
    expect(parsed.problems).toEqual([
      "Строка 2: «Дата платежа» (payment_date): «31.02.2026» не дата; «Наложенный платёж» (payment_sum): «сто» не сумма",
      "Строка 3: нет номера заказа СДЭК",
      "Строка 4: «Агентское вознаграждение» (agent_commission_sum): пусто",
    ]);

    await expect(parseRegistryFile(utf8("cdek_number;payment_sum\n1;2\n"), "short.csv")).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message:
        "Нет столбца «Номер реестра» (registry_number); Нет столбца «Сумма к перечислению» (transfer_sum); " +
        "Нет столбца «Агентское вознаграждение» (agent_commission_sum)",
      fieldErrors: { "source.contentBase64": [expect.stringContaining("Нет столбца")] },
    });
    await expect(parseRegistryFile(utf8("a;b\n1;2\n"), "x.csv")).rejects.toMatchObject({
      message: expect.stringContaining("Не найдена строка заголовков"),
    });
  });

  it("refuses files beyond the limits and files that are not what they claim", async () => {
    await expect(parseRegistryFile(new Uint8Array(10 * 1024 * 1024 + 1), "big.csv")).rejects.toMatchObject({
      message: "Файл больше 10 МБ: разбейте реестр на несколько файлов",
    });
    const many = ["registry_number;cdek_number;payment_sum;transfer_sum;agent_commission_sum"];
    for (let i = 0; i < 50_001; i++) many.push(`1;${i};1;1;0`);
    await expect(parseRegistryFile(utf8(many.join("\n")), "many.csv")).rejects.toMatchObject({
      message: "В файле больше 50 000 строк: разбейте реестр на несколько файлов",
    });
    await expect(parseRegistryFile(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), "old.xls")).rejects.toMatchObject({
      message: expect.stringContaining("(.xls) не поддерживается"),
    });
    await expect(parseRegistryFile(utf8("hello"), "fake.xlsx")).rejects.toMatchObject({
      message: expect.stringContaining("не файл Excel"),
    });
    await expect(parseRegistryFile(new Uint8Array(), "empty.csv")).rejects.toMatchObject({ message: "Файл пуст" });
  });

  it("refuses an xlsx that unpacks beyond the limit without reading it (a zip bomb)", async () => {
    const bomb = zip([{ name: "xl/worksheets/sheet1.xml", data: Buffer.alloc(120 * 1024 * 1024, 0x20) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(parseRegistryFile(bomb, "bomb.xlsx")).rejects.toMatchObject({
      message: expect.stringContaining("распаковывается больше чем в 100 МБ"),
    });
  });

  it("groups rows into registries and reports registry details that disagree", () => {
    const row = { paymentOrderNumber: null, totalWithoutAgent: null, paymentSum: 100, transferSum: 90, commission: 10 };
    const { registries, problems } = groupRegistries([
      { ...row, line: 2, registryNumber: "A", paymentDate: "2026-11-30", registrySum: 180, cdekNumber: "1" },
      { ...row, line: 3, registryNumber: "B", paymentDate: null, registrySum: null, cdekNumber: "2" },
      { ...row, line: 4, registryNumber: "A", paymentDate: "2026-11-29", registrySum: 180, cdekNumber: "3" },
    ]);
    expect(registries.map((r) => [r.number, r.total, r.lines.map((l) => l.cdekNumber)])).toEqual([
      ["A", 180, ["1", "3"]],
      ["B", null, ["2"]],
    ]);
    expect(problems).toEqual(["Реестр № A: в строке 4 другое значение «Дата платежа» (payment_date)"]);
  });

  it("normalizes headers and money the way reports write them", () => {
    expect(normalizeHeader(" Номер  платёжного_поручения ")).toBe(normalizeHeader("номер платежного поручения"));
    expect(normalizeHeader("Сумма к перечислению, руб.")).toBe(normalizeHeader("сумма к перечислению"));
    expect(parseKopecks("1 234,56")).toBe(123_456);
    expect(parseKopecks("1,234.5")).toBe(123_450);
    expect(parseKopecks("-12,5 ₽")).toBe(-1_250);
    expect(parseKopecks(0.1 + 0.2)).toBe(30);
    expect(parseKopecks("12,345")).toBeNull();
    expect(parseKopecks("1e5")).toBeNull();
  });
});

describe("CDEK registries answer", () => {
  it("maps the documented JSON and reports what cannot be read", () => {
    const { registries, problems } = mapCdekRegistries({
      registries: [
        {
          registry_number: 12345,
          payment_date: "2026-11-30",
          sum: 1180.5,
          payment_order_number: "777",
          orders: [
            {
              cdek_number: "1000000001",
              transfer_sum: 1180.5,
              payment_sum: 1500,
              total_sum_without_agent: 300,
              agent_commission_sum: 19.5,
            },
            { cdek_number: 1000000002, transfer_sum: "x", payment_sum: 1, agent_commission_sum: 0 },
          ],
        },
      ],
    });
    expect(registries).toEqual([
      {
        number: "12345",
        paymentDate: "2026-11-30",
        paymentOrderNumber: "777",
        total: 118_050,
        lines: [
          {
            lineNo: 1,
            cdekNumber: "1000000001",
            paymentSum: 150_000,
            transferSum: 118_050,
            totalWithoutAgent: 30_000,
            commission: 1_950,
          },
        ],
      },
    ]);
    expect(problems).toEqual(["Реестр № 12345, заказ 2: transfer_sum не сумма"]);
    expect(mapCdekRegistries({ registries: [] })).toEqual({ registries: [], problems: [] });
    expect(mapCdekRegistries("oops").problems).toEqual(["СДЭК прислал ответ без списка реестров"]);
  });
});

/** A minimal zip (deflated members) whose inflated size is far beyond what its bytes suggest. */
function zip(members: { name: string; data: Buffer }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const packed = deflateRawSync(m.data, { level: 9 });
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    // Lies about the size, as a bomb would.
    local.writeUInt32LE(1000, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(1000, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}
