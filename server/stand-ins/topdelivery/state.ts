import { randomUUID } from "node:crypto";
import { ControlError } from "../shared/process";
import { a4TextPages, renderPdf } from "../shared/pdf";
import {
  DEFAULT_STATUS_FOR_WORK,
  FINAL_WORK_STATUSES,
  moscowDateTime,
  type Operation,
  ORDER_RESULT_STATUS,
  ORDER_STATUSES,
  REFUSAL_REASONS,
  REGIONS,
  REPORT_FILES_PATH,
  REQUEST_STATUS,
  WORK_STATUSES,
  type WorkStatusId,
} from "./reference";
import type { Out } from "./soap";
import type {
  SetStatusInput,
  StandInCounters,
  StatusRef,
  StoredOrder,
  TopDeliveryCredentials,
  TopDeliveryOrderView,
  TopDeliveryStandInOptions,
  TopDeliveryStandInState,
  TopDeliveryStandInTuning,
  XmlRecord,
  XmlValue,
} from "./types";
import { findOrderErrors, int, isRealDate, list, money, record, text } from "./validation";

/**
 * The stand-in partner's memory and verbs, free of HTTP and XML: shop accounts, orders with their statuses and
 * events, print reports. `server.ts` maps SOAP requests onto `call()`; answers are plain records it serialises.
 */

export const DEMO_ACCOUNT: TopDeliveryCredentials = { login: "kh-demo-shop", password: "kh-demo-shop-pass" };
export const DEMO_GATE_USER: TopDeliveryCredentials = { login: "kh-gate", password: "kh-gate-pass" };

export const DEFAULT_TUNING: TopDeliveryStandInTuning = {
  rateLimitRps: 4,
  answerDelayMs: [0, 0],
  advanceEveryMs: 0,
  maxOrdersPerCall: 100,
  strictSoapAction: true,
};

export { ControlError };

type Tunable = Partial<Omit<TopDeliveryStandInTuning, "answerDelayMs">> & { answerDelayMs?: number | [number, number] };

export function resolveTuning(patch: Tunable, base = DEFAULT_TUNING): TopDeliveryStandInTuning {
  const t: TopDeliveryStandInTuning = { ...base };
  for (const key of Object.keys(base) as (keyof TopDeliveryStandInTuning)[])
    if (patch[key] !== undefined) Object.assign(t, { [key]: patch[key] });
  const delay = typeof t.answerDelayMs === "number" ? [t.answerDelayMs, t.answerDelayMs] : t.answerDelayMs;
  const nonNegative = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
  if (!(Array.isArray(delay) && nonNegative(delay[0]) && nonNegative(delay[1]) && delay[0] <= delay[1]))
    throw new ControlError(400, "answerDelayMs: нужно число миллисекунд или пара [min, max], 0 ≤ min ≤ max");
  if (!(typeof t.rateLimitRps === "number" && t.rateLimitRps > 0))
    throw new ControlError(400, "rateLimitRps: нужно положительное число");
  if (!nonNegative(t.advanceEveryMs)) throw new ControlError(400, "advanceEveryMs: нужно неотрицательное число");
  if (!(Number.isInteger(t.maxOrdersPerCall) && t.maxOrdersPerCall > 0))
    throw new ControlError(400, "maxOrdersPerCall: нужно целое положительное число");
  if (typeof t.strictSoapAction !== "boolean") throw new ControlError(400, "strictSoapAction: нужно true или false");
  return { ...t, answerDelayMs: [delay[0], delay[1]] };
}

type Answer = Record<string, Out>;

const round2 = (x: number) => Math.round(x * 100) / 100;
const amount = (x: number) => x.toFixed(2);
const MAX_REPORTS = 200;
const MAX_LISTED = 1000;

function requestResult(status: number, message?: string): Answer {
  return { requestResult: { status, message } };
}

interface Criteria {
  orderId?: number;
  barcode?: string;
  webshopNumber?: string;
}

/** The fields of an orderIdentity / order element; null when it names none. */
function criteria(x: XmlValue | undefined): Criteria | null {
  const r = record(x);
  if (!r) return null;
  const c: Criteria = {};
  const id = text(r.orderId)?.trim();
  if (id) c.orderId = int(id) ?? -1;
  const barcode = text(r.barcode)?.trim();
  if (barcode) c.barcode = barcode;
  const number = text(r.webshopNumber)?.trim();
  if (number) c.webshopNumber = number;
  return Object.keys(c).length ? c : null;
}

const describe = (c: Criteria) =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");

export class TopDeliveryPartner {
  readonly state: TopDeliveryStandInState;
  /** Active (not deleted) orders by account and webshopNumber. */
  private readonly byNumber = new Map<string, StoredOrder>();
  private readonly byBarcode = new Map<string, StoredOrder>();
  /** Creation order of every order, for the automatic outcome plan (see `finalStep`). */
  private readonly seqOf = new WeakMap<StoredOrder, number>();
  private seq = 0;
  private nextOrderId = 2_000_000 + Math.floor(Math.random() * 7_000_000);
  private timer?: NodeJS.Timeout;

  constructor(
    options: TopDeliveryStandInOptions,
    /** The base written into reportUrl. */
    private readonly publicUrl: () => string,
  ) {
    const accounts = options.accounts?.length ? options.accounts : [DEMO_ACCOUNT];
    const gate = options.basicAuth === false ? [] : [options.basicAuth ?? DEMO_GATE_USER].flat();
    this.state = {
      tuning: resolveTuning(options),
      accounts: new Map(accounts.map((a) => [a.login, a.password])),
      gateUsers: new Map(gate.map((u) => [u.login, u.password])),
      orders: new Map(),
      reports: new Map(),
      failures: [],
      counters: emptyCounters(),
    };
    this.restartTimer();
  }

  /** The Basic-auth login of `Authorization`, "" when Basic auth is off, undefined when it does not fit. */
  gateUser(authorization: string | undefined): string | undefined {
    if (!this.state.gateUsers.size) return "";
    const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!encoded) return undefined;
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    const login = decoded.slice(0, colon);
    return this.state.gateUsers.get(login) === decoded.slice(colon + 1) ? login : undefined;
  }

  /** One SOAP operation, after the inner `auth` block is checked; returns the response element's content. */
  call(operation: Operation, params: XmlRecord): Answer {
    const auth = record(params.auth);
    if (!auth) {
      this.state.counters.authErrors++;
      return requestResult(REQUEST_STATUS.authError, "Не передан блок auth (логин и пароль магазина)");
    }
    const login = text(auth.login) ?? "";
    if (!login || this.state.accounts.get(login) !== (text(auth.password) ?? "")) {
      this.state.counters.authErrors++;
      return requestResult(REQUEST_STATUS.authError, "Ошибка авторизации: неверный логин или пароль магазина");
    }
    switch (operation) {
      case "addOrders":
        return this.addOrders(login, params);
      case "getOrdersInfo":
        return this.getOrdersInfo(login, params);
      case "getOrdersByParams":
        return this.getOrdersByParams(login, params);
      case "deleteOrder":
        return this.deleteOrder(login, params);
      case "getCitiesRegions":
        return this.getCitiesRegions(params);
      case "printOrderAct":
      case "printOrderDeliveryList":
        return this.print(login, operation, params);
    }
  }

  // ---- orders ----

  private addOrders(account: string, params: XmlRecord): Answer {
    const orders = list(params.addedOrders);
    if (!orders.length) return requestResult(REQUEST_STATUS.badRequest, "Не передан ни один заказ (addedOrders)");
    const max = this.state.tuning.maxOrdersPerCall;
    if (orders.length > max)
      return requestResult(REQUEST_STATUS.badRequest, `За один вызов можно передать не больше ${max} заказов`);
    const results = orders.map((body) => this.addOne(account, body));
    const created = results.filter((r) => r.status === ORDER_RESULT_STATUS.ok).length;
    // The call itself succeeds even when some orders are refused: each order's verdict is in its own result.
    return {
      ...requestResult(REQUEST_STATUS.ok, `Создано заказов: ${created} из ${orders.length}`),
      addOrdersResult: results,
    };
  }

  private addOne(account: string, body: XmlValue): { status: number; message?: string; orderIdentity?: Answer } {
    const number = record(body) ? text(record(body)!.webshopNumber)?.trim() : undefined;
    const echo = number ? { webshopNumber: number } : undefined;
    const errors = findOrderErrors(body);
    if (errors.length) {
      this.state.counters.ordersRefused++;
      return { status: ORDER_RESULT_STATUS.invalid, message: errors.join("; "), orderIdentity: echo };
    }
    const existing = this.byNumber.get(numberKey(account, number!));
    if (existing) {
      this.state.counters.ordersRefused++;
      return {
        status: ORDER_RESULT_STATUS.duplicate,
        message: `Заказ с номером магазина (webshopNumber) «${number}» уже существует`,
        orderIdentity: echo,
      };
    }
    const orderId = this.nextOrderId++;
    const status = this.statusRef(1);
    const order: StoredOrder = {
      account,
      orderId,
      barcode: `TD${String(orderId).padStart(10, "0")}`,
      webshopNumber: number!,
      body: body as XmlRecord,
      dateCreate: moscowDateTime(),
      status,
      workStatus: { id: 1, name: WORK_STATUSES[1] },
      events: [],
      clientPaid: 0,
      deleted: false,
    };
    this.seqOf.set(order, ++this.seq);
    order.events.push({
      date: order.dateCreate,
      status,
      workStatus: order.workStatus,
      comment: ORDER_STATUSES[1]!.comment,
    });
    this.state.orders.set(orderId, order);
    this.byNumber.set(numberKey(account, order.webshopNumber), order);
    this.byBarcode.set(order.barcode, order);
    this.state.counters.ordersCreated++;
    return { status: ORDER_RESULT_STATUS.ok, orderIdentity: identity(order) };
  }

  private find(account: string | undefined, c: Criteria): StoredOrder | undefined {
    const o =
      c.orderId !== undefined
        ? this.state.orders.get(c.orderId)
        : c.webshopNumber !== undefined && account !== undefined
          ? this.byNumber.get(numberKey(account, c.webshopNumber))
          : c.barcode !== undefined
            ? this.byBarcode.get(c.barcode)
            : [...this.state.orders.values()].find((x) => x.webshopNumber === c.webshopNumber && !x.deleted);
    if (!o || o.deleted || (account !== undefined && o.account !== account)) return undefined;
    if (c.barcode !== undefined && o.barcode !== c.barcode) return undefined;
    if (c.webshopNumber !== undefined && o.webshopNumber !== c.webshopNumber) return undefined;
    return o;
  }

  private getOrdersInfo(account: string, params: XmlRecord): Answer {
    const asked = [...list(params.order), ...list(params.orderIdentity)];
    if (!asked.length) return requestResult(REQUEST_STATUS.badRequest, "Не передан ни один заказ (order)");
    const found: StoredOrder[] = [];
    const missing: string[] = [];
    for (const x of asked) {
      const c = criteria(x);
      if (!c) {
        missing.push("(пустой order: нужен orderId, barcode или webshopNumber)");
        continue;
      }
      const o = this.find(account, c);
      if (!o) missing.push(describe(c));
      else if (!found.includes(o)) found.push(o);
    }
    if (!found.length) return requestResult(REQUEST_STATUS.notFound, `Заказы не найдены: ${missing.join("; ")}`);
    return {
      ...requestResult(REQUEST_STATUS.ok, missing.length ? `Не найдены: ${missing.join("; ")}` : undefined),
      ordersInfo: found.map((o) => ({ orderInfo: this.orderInfo(o) })),
    };
  }

  private getOrdersByParams(account: string, params: XmlRecord): Answer {
    const c = criteria(params.orderIdentity);
    const filters: ((o: StoredOrder) => boolean)[] = [];
    if (c) filters.push((o) => this.find(account, c) === o);
    for (const [field, pick] of [
      ["orderStatus", (o: StoredOrder) => o.status.id],
      ["orderWorkStatus", (o: StoredOrder) => o.workStatus.id],
    ] as const) {
      const raw = text(params[field]);
      if (!raw) continue;
      const id = int(raw);
      if (id === undefined) return requestResult(REQUEST_STATUS.badRequest, `${field}: нужен числовой код`);
      filters.push((o) => pick(o) === id);
    }
    const range = record(params.dateCreate);
    if (range) {
      const [from, to] = [text(range.from), text(range.to)];
      for (const d of [from, to])
        if (d && !isRealDate(d))
          return requestResult(REQUEST_STATUS.badRequest, `dateCreate: нужна дата ГГГГ-ММ-ДД, а не «${d}»`);
      if (from) filters.push((o) => o.dateCreate.slice(0, 10) >= from);
      if (to) filters.push((o) => o.dateCreate.slice(0, 10) <= to);
    }
    const found = [...this.state.orders.values()]
      .filter((o) => o.account === account && !o.deleted && filters.every((f) => f(o)))
      .slice(0, MAX_LISTED);
    return { ...requestResult(REQUEST_STATUS.ok), ordersInfo: found.map((o) => ({ orderInfo: this.orderInfo(o) })) };
  }

  private deleteOrder(account: string, params: XmlRecord): Answer {
    const c = criteria(params.orderIdentity);
    if (!c) return requestResult(REQUEST_STATUS.badRequest, "orderIdentity: нужен orderId, barcode или webshopNumber");
    const o = this.find(account, c);
    if (!o) return requestResult(REQUEST_STATUS.notFound, `Заказ не найден: ${describe(c)}`);
    if (o.workStatus.id !== 1)
      return requestResult(
        REQUEST_STATUS.notAllowed,
        `Заказ ${o.orderId} уже в работе (статус «${o.status.name}»): удалить можно только заказ, не принятый в работу`,
      );
    o.deleted = true;
    this.byNumber.delete(numberKey(o.account, o.webshopNumber));
    this.byBarcode.delete(o.barcode);
    this.state.counters.ordersDeleted++;
    return requestResult(REQUEST_STATUS.ok, `Заказ ${o.orderId} удалён`);
  }

  private getCitiesRegions(params: XmlRecord): Answer {
    const raw = text(params.regionId);
    const regionId = raw ? int(raw) : undefined;
    if (raw && regionId === undefined) return requestResult(REQUEST_STATUS.badRequest, "regionId: нужен числовой код");
    const rows = REGIONS.filter((r) => regionId === undefined || r.regionId === regionId).flatMap((r) =>
      r.cities.map((c) => ({ regionId: r.regionId, regionName: r.regionName, ...c })),
    );
    return { ...requestResult(REQUEST_STATUS.ok), citiesRegions: rows };
  }

  /** The order as `ordersInfo.orderInfo` shows it. */
  private orderInfo(o: StoredOrder): Answer {
    const b = o.body;
    return {
      orderIdentity: identity(o),
      serviceType: text(b.serviceType),
      deliveryType: text(b.deliveryType),
      orderSubtype: text(b.orderSubtype) || "SIMPLE",
      dateCreate: o.dateCreate,
      status: { ...o.status },
      workStatus: { ...o.workStatus },
      denyParams: o.denyParams ? { type: o.denyParams.type, reason: { ...o.denyParams.reason } } : undefined,
      desiredDateDelivery: b.desiredDateDelivery,
      clientInfo: b.clientInfo,
      services: b.services,
      deliveryWeight: b.deliveryWeight,
      clientFullCost: amount(fullCost(o)),
      clientPaid: amount(o.clientPaid),
      events: o.events.map((e) => ({ ...e, status: { ...e.status }, workStatus: { ...e.workStatus } })),
    };
  }

  // ---- statuses ----

  private statusRef(id: number, name?: string): StatusRef {
    return { id, name: name ?? ORDER_STATUSES[id]?.name ?? `Статус ${id}` };
  }

  private apply(o: StoredOrder, status: StatusRef, work: WorkStatusId, reasonId?: number, comment?: string) {
    o.status = status;
    o.workStatus = { id: work, name: WORK_STATUSES[work] };
    const reason = reasonId ?? (work === 5 ? 7 : 8);
    o.denyParams =
      work === 5 || work === 4
        ? { type: work === 5 ? "FULL" : "PARTIAL", reason: { id: reason, name: REFUSAL_REASONS[reason]! } }
        : undefined;
    const items = itemsCost(o.body);
    const delivery = deliveryCost(o.body);
    o.clientPaid =
      work === 3
        ? fullCost(o)
        : work === 4
          ? round2(items / 2 + delivery)
          : work === 5 && text(o.body.deliveryCostPayAnyway) === "1"
            ? delivery
            : 0;
    const base = comment ?? ORDER_STATUSES[status.id]?.comment ?? status.name;
    o.events.push({
      date: moscowDateTime(),
      status: { ...status },
      workStatus: { ...o.workStatus },
      comment: o.denyParams && comment === undefined ? `${base}: ${o.denyParams.reason.name}` : base,
    });
    this.state.counters.statusChanges++;
  }

  /** Control: the order moves on at TopDelivery (any status, final ones included: the hub must cope). */
  setStatus(input: SetStatusInput): TopDeliveryOrderView {
    const c: Criteria = {};
    if (input.orderId !== undefined) c.orderId = Number(input.orderId);
    if (input.barcode) c.barcode = String(input.barcode);
    if (input.webshopNumber) c.webshopNumber = String(input.webshopNumber);
    if (!Object.keys(c).length) throw new ControlError(400, "Укажите orderId, barcode или webshopNumber заказа");
    const o = this.find(undefined, c);
    if (!o) throw new ControlError(404, `Заказ не найден или удалён: ${describe(c)}`);
    const work = input.workStatus;
    if (work !== undefined && !(work in WORK_STATUSES))
      throw new ControlError(400, "workStatus: нужен код рабочего статуса от 1 до 5");
    if (input.reasonId !== undefined && !(input.reasonId in REFUSAL_REASONS))
      throw new ControlError(400, "reasonId: нужна причина отказа от 1 до 11");
    let statusId = input.statusId;
    if (statusId === undefined) {
      if (work === undefined) throw new ControlError(400, "Укажите workStatus и/или statusId");
      statusId = DEFAULT_STATUS_FOR_WORK[work];
    }
    if (!Number.isInteger(statusId)) throw new ControlError(400, "statusId: нужно целое число");
    const known = ORDER_STATUSES[statusId];
    if (!known && !input.statusName)
      throw new ControlError(400, `Статуса ${statusId} нет в справочнике заглушки: передайте и statusName`);
    const finalWork = work ?? known?.workStatus ?? (o.workStatus.id as WorkStatusId);
    this.apply(o, this.statusRef(statusId, input.statusName), finalWork, input.reasonId, input.comment);
    return this.view(o);
  }

  /**
   * Every unfinished order takes `steps` steps: new → accepted at the warehouse (in work) → out for delivery / at the
   * pickup point → final. Returns how many moves were made.
   */
  advance(steps = 1): number {
    if (!(Number.isInteger(steps) && steps >= 1)) throw new ControlError(400, "steps: нужно целое число ≥ 1");
    let moves = 0;
    for (let i = 0; i < steps; i++)
      for (const o of this.state.orders.values()) {
        if (o.deleted || FINAL_WORK_STATUSES.has(o.workStatus.id)) continue;
        moves++;
        if (o.workStatus.id === 1) this.apply(o, this.statusRef(3), 2);
        else if (o.status.id === 3) {
          const id = text(o.body.deliveryType) === "PICKUP" ? 6 : 5;
          this.apply(o, this.statusRef(id), 2);
        } else this.finalStep(o);
      }
    return moves;
  }

  /** The automatic plan: every 5th order created is refused (reasons 1–11 in turn), every 7th partly delivered. */
  private finalStep(o: StoredOrder) {
    const seq = this.seqOf.get(o) ?? 1;
    if (seq % 5 === 0) this.apply(o, this.statusRef(10), 5, ((seq / 5 - 1) % 11) + 1);
    else if (seq % 7 === 0) this.apply(o, this.statusRef(8), 4, 8);
    else this.apply(o, this.statusRef(7), 3);
  }

  private restartTimer() {
    clearInterval(this.timer);
    this.timer = undefined;
    const every = this.state.tuning.advanceEveryMs;
    if (every > 0) {
      this.timer = setInterval(() => this.advance(1), every);
      this.timer.unref();
    }
  }

  // ---- print gate ----

  private print(account: string, operation: "printOrderAct" | "printOrderDeliveryList", params: XmlRecord): Answer {
    const asked = list(params.orderIdentity);
    if (!asked.length) return requestResult(REQUEST_STATUS.badRequest, "Не передан ни один заказ (orderIdentity)");
    const orders: StoredOrder[] = [];
    const missing: string[] = [];
    for (const x of asked) {
      const c = criteria(x);
      const o = c ? this.find(account, c) : undefined;
      if (!o) missing.push(c ? describe(c) : "(пустой orderIdentity)");
      else if (!orders.includes(o)) orders.push(o);
    }
    if (missing.length) return requestResult(REQUEST_STATUS.notFound, `Заказы не найдены: ${missing.join("; ")}`);
    const pdf = renderPdf(
      a4TextPages(operation === "printOrderAct" ? actPages(account, orders) : deliveryListPages(orders)),
    );
    const id = randomUUID();
    this.state.reports.set(id, pdf);
    if (this.state.reports.size > MAX_REPORTS) this.state.reports.delete(this.state.reports.keys().next().value!);
    return { ...requestResult(REQUEST_STATUS.ok), reportUrl: `${this.publicUrl()}${REPORT_FILES_PATH}${id}.pdf` };
  }

  report(id: string): Buffer | undefined {
    return this.state.reports.get(id);
  }

  // ---- housekeeping ----

  view(o: StoredOrder): TopDeliveryOrderView {
    return {
      account: o.account,
      orderId: o.orderId,
      barcode: o.barcode,
      webshopNumber: o.webshopNumber,
      status: { ...o.status },
      workStatus: { ...o.workStatus },
      denyParams: o.denyParams,
      events: o.events.map((e) => ({ ...e })),
      clientFullCost: fullCost(o),
      clientPaid: o.clientPaid,
      deleted: o.deleted,
    };
  }

  orders(): TopDeliveryOrderView[] {
    return [...this.state.orders.values()].map((o) => this.view(o));
  }

  configure(patch: Tunable): TopDeliveryStandInTuning {
    this.state.tuning = resolveTuning(patch, this.state.tuning);
    this.restartTimer();
    return this.state.tuning;
  }

  resetCounters() {
    this.state.counters = emptyCounters();
  }

  close() {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

export function emptyCounters(): StandInCounters {
  return {
    requests: {},
    wsdlRequests: 0,
    reportDownloads: 0,
    unauthorized: 0,
    authErrors: 0,
    rateLimited: 0,
    peakRps: 0,
    injectedFailures: 0,
    faults: 0,
    ordersCreated: 0,
    ordersRefused: 0,
    ordersDeleted: 0,
    statusChanges: 0,
  };
}

function numberKey(account: string, number: string) {
  return `${account}\n${number}`;
}

function identity(o: StoredOrder): Answer {
  return { orderId: o.orderId, barcode: o.barcode, webshopNumber: o.webshopNumber };
}

function itemsCost(body: XmlRecord): number {
  return list(body.items).reduce<number>((sum, item) => {
    const r = record(item);
    return sum + (money(r?.clientPrice) ?? 0) * (int(r?.count) ?? 0);
  }, 0);
}

function deliveryCost(body: XmlRecord): number {
  return money(record(body.clientCosts)?.clientDeliveryCost) ?? 0;
}

/** What the recipient owes: items + delivery − discount (SUM in roubles, PERCENT of the items). */
function fullCost(o: StoredOrder): number {
  const items = itemsCost(o.body);
  const discount = record(record(o.body.clientCosts)?.discount);
  const value = money(discount?.value) ?? 0;
  const off = text(discount?.type) === "PERCENT" ? (items * value) / 100 : value;
  return round2(Math.max(0, items + deliveryCost(o.body) - off));
}

function addressLine(body: XmlRecord): string {
  const a = record(body.deliveryAddress);
  if (!a) return "";
  if (text(a.type) === "pickup") return `Пункт выдачи № ${text(record(a.pickupAddress)?.id) ?? ""}`;
  const inCity = record(a.inCityAddress);
  return [text(inCity?.zipcode), text(a.region), text(a.city), text(inCity?.address)].filter(Boolean).join(", ");
}

function actPages(account: string, orders: StoredOrder[]): string[][] {
  const lines = [
    "Акт приёма-передачи заказов ТопДеливери",
    `Дата: ${moscowDateTime().slice(0, 10)}    Магазин: ${account}    Заказов: ${orders.length}`,
    "",
  ];
  orders.forEach((o, i) => {
    const places = text(record(o.body.services)?.places) ?? "1";
    const weight = text(record(o.body.deliveryWeight)?.weight) ?? "";
    lines.push(
      `${i + 1}. ${o.barcode}  заказ ${o.orderId}  номер магазина ${o.webshopNumber}  мест ${places}  вес ${weight} г  ` +
        `к оплате ${amount(fullCost(o))} руб.`,
    );
  });
  lines.push("", "Сдал: ____________________    Принял: ____________________");
  return [lines];
}

function deliveryListPages(orders: StoredOrder[]): string[][] {
  return orders.map((o) => {
    const client = record(o.body.clientInfo);
    return [
      `Лист доставки ${o.barcode}`,
      `Заказ ТопДеливери: ${o.orderId}    Номер магазина: ${o.webshopNumber}`,
      `Получатель: ${text(client?.fio) ?? ""}    Телефон: ${text(client?.phone) ?? ""}`,
      `Адрес: ${addressLine(o.body)}`,
      "",
      ...list(o.body.items).map((item) => {
        const r = record(item);
        return `${text(r?.name) ?? ""}  x${text(r?.count) ?? ""}  ${text(r?.clientPrice) ?? ""} руб.  НДС ${text(r?.vat) ?? ""}`;
      }),
      "",
      `Доставка: ${amount(deliveryCost(o.body))} руб.    Всего к оплате: ${amount(fullCost(o))} руб.`,
      "Подпись получателя: ____________________",
    ];
  });
}
