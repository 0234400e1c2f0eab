import { A4_MARGIN, Flow, integer, money, signatureLine, Table, textAt, weight } from "./pdf";

/** The manifest as its act names it. */
export interface ActHeader {
  number: string;
  /** Our company. */
  company: string;
  /** ДД.ММ.ГГГГ */
  createdAt: string;
  sendDate: string;
  creatingBranch: string;
  responsibleBranch: string;
  comment: string;
}

export interface ActRow {
  number: string;
  receiver: string;
  town: string;
  places: number;
  weight: number | string;
  cod: number | string;
  declaredValue: number | string;
  currency: string;
}

/**
 * The act of handing a manifest over (акт приёма-передачи) on A4: the heading, a table of its orders written as they
 * are read, the totals and the signatures «Сдал / Принял». Rows carry over to new pages with the table's header.
 */
export class ActWriter {
  private readonly flow: Flow;
  private readonly table: Table<ActRow & { n: number }>;
  private n = 0;
  private places = 0;
  private weight = 0;
  private readonly cod = new Map<string, number>();
  private readonly declared = new Map<string, number>();

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly h: ActHeader,
  ) {
    this.flow = new Flow(doc, () => {
      const text = `Акт приёма-передачи по манифесту № ${h.number} — продолжение`;
      textAt(doc, text, A4_MARGIN, A4_MARGIN, this.flow.w, { size: 9, color: "#555555" });
      return A4_MARGIN + 18;
    });
    const flow = this.flow;
    flow.firstPage();
    const { x, w } = flow;
    flow.y += textAt(doc, "Акт приёма-передачи отправлений", x, flow.y, w, { size: 15, bold: true, align: "center" });
    flow.y += textAt(doc, `по манифесту № ${h.number}`, x, flow.y + 2, w, { size: 12, align: "center" }) + 12;
    const facts: [string, string][] = [
      ["Перевозчик", h.company],
      ["Дата манифеста", h.createdAt],
      ["Дата отправки", h.sendDate || "не указана"],
      ["Филиал-отправитель", h.creatingBranch || "—"],
      ["Филиал-получатель", h.responsibleBranch],
    ];
    if (h.comment) facts.push(["Комментарий", h.comment]);
    for (const [label, value] of facts) {
      textAt(doc, label, x, flow.y, w * 0.3, { size: 9.5, bold: true });
      flow.y += textAt(doc, value, x + w * 0.3, flow.y, w * 0.7, { size: 9.5, lines: 2 }) + 2;
    }
    flow.y += 10;
    this.table = new Table(flow, [
      { title: "№", width: 5, align: "right", value: (r) => (r.n ? String(r.n) : "") },
      { title: "Заказ", width: 15, value: (r) => r.number },
      { title: "Получатель", width: 22, value: (r) => r.receiver },
      { title: "Город", width: 14, value: (r) => r.town },
      { title: "Мест", width: 7, align: "right", value: (r) => integer(r.places) },
      { title: "Вес, кг", width: 9, align: "right", value: (r) => weight(r.weight) },
      {
        title: "Наложенный платёж",
        width: 14,
        align: "right",
        value: (r) => (r.currency ? money(r.cod, r.currency) : ""),
      },
      {
        title: "Объявленная ценность",
        width: 14,
        align: "right",
        value: (r) => (r.currency ? money(r.declaredValue, r.currency) : ""),
      },
    ]);
  }

  row(r: ActRow) {
    this.table.row({ ...r, n: ++this.n });
    this.places += r.places;
    this.weight += Number(r.weight) || 0;
    this.cod.set(r.currency, (this.cod.get(r.currency) ?? 0) + (Number(r.cod) || 0));
    this.declared.set(r.currency, (this.declared.get(r.currency) ?? 0) + (Number(r.declaredValue) || 0));
  }

  /** Totals (sums per currency: clients may settle in different ones) and the signatures. */
  finish() {
    const { doc, flow } = this;
    // The total row sums money only when every order is in one currency; otherwise the sums below say it per currency.
    const [currency] = this.cod.size === 1 ? [...this.cod.keys()] : [""];
    const totalRow = { number: "Итого", receiver: "", town: "", places: this.places, weight: this.weight };
    const amounts = { cod: this.cod.get(currency!) ?? 0, declaredValue: this.declared.get(currency!) ?? 0 };
    this.table.row({ ...totalRow, ...amounts, currency: currency!, n: 0 }, true);
    const sums = (m: Map<string, number>) => [...m].map(([c, v]) => money(v, c)).join("; ") || money(0);
    const facts: [string, string][] = [
      ["Заказов", integer(this.n)],
      ["Мест", integer(this.places)],
      ["Вес, кг", weight(this.weight)],
      ["Наложенный платёж", sums(this.cod)],
      ["Объявленная ценность", sums(this.declared)],
    ];
    flow.y += 10;
    flow.need(facts.length * 14 + 2 * 40 + 40);
    for (const [label, value] of facts) {
      textAt(doc, label, flow.x, flow.y, flow.w * 0.3, { size: 10, bold: true });
      flow.y += textAt(doc, value, flow.x + flow.w * 0.3, flow.y, flow.w * 0.7, { size: 10, lines: 2 }) + 2;
    }
    flow.y += 14;
    for (const who of ["Сдал", "Принял"]) {
      signatureLine(flow, who, flow.x, flow.w);
      flow.y += 36;
    }
    textAt(doc, "Дата «___» __________ 20___ г.", flow.x, flow.y + 4, flow.w, { size: 9 });
  }
}
