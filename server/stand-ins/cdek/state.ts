import { randomBytes, randomUUID } from "node:crypto";
import { ControlError } from "../shared/process";
import { renderPdf } from "../shared/pdf";
import { type PaperFormat, type PrintableOrder, type PrintKind, printPages } from "./print";
import {
  type CdekStatusCode,
  cdekDateTime,
  INACTIVE_STATUSES,
  isStatusCode,
  SENDER_CITY_STATUSES,
  STATUSES,
  WEBHOOK_TYPES,
} from "./reference";
import type {
  CdekAccount,
  CdekOrderView,
  CdekRegistry,
  CdekRequestRecord,
  CdekStandInOptions,
  CdekStandInState,
  CdekStandInTuning,
  OrderStatusRecord,
  PrintJob,
  RegistryInput,
  SetStatusInput,
  StandInCounters,
  StoredOrder,
  WebhookDelivery,
  WebhookSubscription,
} from "./types";
import {
  checkOrderStructure,
  codSum,
  destinationOf,
  findOrderErrors,
  isObject,
  type JsonObject,
  originOf,
} from "./validation";

/**
 * The stand-in partner's memory and verbs, free of HTTP: tokens, orders with their asynchronous verdicts, webhook
 * subscriptions and deliveries, print jobs and COD registries. `server.ts` maps requests onto these methods.
 */

export const DEMO_ACCOUNT: CdekAccount = { account: "demo-account", secure: "demo-secure" };

export const DEFAULT_TUNING: CdekStandInTuning = {
  tokenTtlSec: 3600,
  createDelayMs: [0, 0],
  validateDelayMs: 300,
  printDelayMs: 300,
  rateLimitRps: 200,
  loseWebhooks: 0,
  webhookTimeoutMs: 15_000,
};

/** A CDEK-shaped failure answer (any /v2 path). */
export class CdekHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export { ControlError };

function notFound(message: string): CdekHttpError {
  return new CdekHttpError(404, { errors: [{ code: "v2_entity_not_found", message }] });
}

function badRequest(code: string, message: string): CdekHttpError {
  return new CdekHttpError(400, { errors: [{ code, message }] });
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DELIVERY_LOG = 1000;
const MAX_WEBHOOKS_PER_ACCOUNT = 2;
const MAX_PRINT_ORDERS = 100;

export function resolveTuning(options: Partial<CdekStandInTuning>, base = DEFAULT_TUNING): CdekStandInTuning {
  const t: CdekStandInTuning = { ...base };
  for (const key of Object.keys(base) as (keyof CdekStandInTuning)[])
    if (options[key] !== undefined) Object.assign(t, { [key]: options[key] });
  const [min, max] = Array.isArray(t.createDelayMs) ? t.createDelayMs : [NaN, NaN];
  const nonNegative = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
  if (!(nonNegative(min) && nonNegative(max) && min <= max))
    throw new ControlError(400, "createDelayMs: нужна пара [min, max] миллисекунд, 0 ≤ min ≤ max");
  for (const key of ["tokenTtlSec", "validateDelayMs", "printDelayMs", "webhookTimeoutMs"] as const)
    if (!nonNegative(t[key])) throw new ControlError(400, `${key}: нужно неотрицательное число`);
  if (!(t.rateLimitRps > 0)) throw new ControlError(400, "rateLimitRps: нужно положительное число");
  if (!(t.loseWebhooks >= 0 && t.loseWebhooks <= 1)) throw new ControlError(400, "loseWebhooks: нужна доля от 0 до 1");
  return { ...t, createDelayMs: [min, max] };
}

export class CdekPartner {
  readonly state: CdekStandInState;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private readonly byCdekNumber = new Map<string, StoredOrder>();
  /** Orders by account and shop number, oldest first. */
  private readonly byNumber = new Map<string, StoredOrder[]>();
  private nextCdekNumber = 1_000_000_000 + Math.floor(Math.random() * 8_000_000) * 1000;
  private nextRegistryNumber = 1;

  constructor(
    options: CdekStandInOptions,
    /** The stand-in's own address, for print links. */
    private readonly baseUrl: () => string,
  ) {
    const accounts = options.accounts?.length ? options.accounts : [DEMO_ACCOUNT];
    this.state = {
      tuning: resolveTuning(options),
      accounts: new Map(accounts.map((a) => [a.account, a.secure])),
      tokens: new Map(),
      orders: new Map(),
      webhooks: new Map(),
      webhookDeliveries: [],
      printJobs: new Map(),
      registries: [],
      counters: emptyCounters(),
    };
  }

  // ---- tokens ----

  /** `POST /v2/oauth/token`: the parameters from the query string and the form body together. */
  issueToken(params: URLSearchParams) {
    this.state.counters.tokenRequests++;
    if (params.get("grant_type") !== "client_credentials")
      throw new CdekHttpError(400, {
        error: "unsupported_grant_type",
        error_description: "Поддерживается только grant_type=client_credentials",
      });
    const account = params.get("client_id") ?? "";
    const secure = this.state.accounts.get(account);
    if (secure === undefined || secure !== params.get("client_secret"))
      throw new CdekHttpError(400, {
        error: "invalid_client",
        error_description: "Аутентификация не удалась, проверьте Account и Secure password",
      });
    const ttl = this.state.tuning.tokenTtlSec;
    const jti = randomUUID();
    const access_token = fakeJwt({ account, jti, exp: Math.floor(Date.now() / 1000) + ttl });
    this.state.tokens.set(access_token, { account, jti, expiresAt: Date.now() + ttl * 1000 });
    return { access_token, token_type: "bearer", expires_in: ttl, scope: "order:all payment:all", jti };
  }

  /** The account behind `Authorization: Bearer …`, or 401. */
  authenticate(authorization: string | undefined): string {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    const issued = token ? this.state.tokens.get(token) : undefined;
    if (!issued)
      throw new CdekHttpError(401, {
        errors: [
          { code: "v2_unauthorized", message: "Не передан или не опознан токен доступа (Authorization: Bearer)" },
        ],
      });
    if (issued.expiresAt <= Date.now())
      throw new CdekHttpError(401, {
        errors: [{ code: "v2_token_expired", message: "Срок действия токена истёк, получите новый" }],
      });
    return issued.account;
  }

  /** Control: every issued token becomes invalid at once; returns how many were live. */
  expireTokens(): number {
    let live = 0;
    for (const t of this.state.tokens.values()) {
      if (t.expiresAt > Date.now()) live++;
      t.expiresAt = 0;
    }
    return live;
  }

  // ---- orders ----

  /** `POST /v2/orders`: 400 on structural faults, else 202 and a verdict after `validateDelayMs`. */
  createOrder(account: string, body: unknown) {
    const failure = checkOrderStructure(body);
    if (failure?.shape === "errors") throw new CdekHttpError(400, { errors: failure.errors });
    if (failure)
      throw new CdekHttpError(400, {
        requests: [{ type: "CREATE", state: "INVALID", date_time: cdekDateTime(), errors: failure.errors }],
        related_entities: [],
      });
    const order: StoredOrder = {
      account,
      uuid: randomUUID(),
      body: body as JsonObject,
      packages: ((body as JsonObject).packages as unknown[]).filter(isObject).map((p) => ({ ...p })),
      statuses: [],
      requests: [{ request_uuid: randomUUID(), type: "CREATE", state: "ACCEPTED", date_time: cdekDateTime() }],
      inRegistry: false,
    };
    this.state.orders.set(order.uuid, order);
    const number = typeof order.body.number === "string" ? order.body.number : undefined;
    if (number) {
      const key = numberKey(account, number);
      this.byNumber.set(key, [...(this.byNumber.get(key) ?? []), order]);
    }
    this.appendStatus(order, "ACCEPTED");
    this.state.counters.ordersCreated++;
    this.later(this.state.tuning.validateDelayMs, () => this.decide(order));
    return { entity: { uuid: order.uuid }, requests: [{ ...order.requests[0]! }], related_entities: [] };
  }

  private decide(order: StoredOrder) {
    const create = order.requests[0]!;
    const errors = findOrderErrors(order.body, { numberTaken: (n) => this.numberTaken(order.account, n, order) });
    const removed = lastStatus(order).code === "REMOVED";
    if (errors.length) {
      Object.assign(create, { state: "INVALID", errors });
      if (!removed) this.appendStatus(order, "INVALID");
      return;
    }
    create.state = "SUCCESSFUL";
    order.cdekNumber = String(this.nextCdekNumber++);
    this.byCdekNumber.set(order.cdekNumber, order);
    order.packages.forEach((p, i) => {
      p.barcode = `${order.cdekNumber}${String(i + 1).padStart(3, "0")}`;
      p.package_id = randomUUID();
    });
    // An order removed while it waited keeps REMOVED as its last word.
    if (!removed) this.appendStatus(order, "CREATED");
  }

  private numberTaken(account: string, number: string, self: StoredOrder): boolean {
    return (this.byNumber.get(numberKey(account, number)) ?? []).some(
      (o) => o !== self && o.cdekNumber !== undefined && !INACTIVE_STATUSES.has(lastStatus(o).code),
    );
  }

  /** The account's order by uuid, or 404. */
  order(account: string, uuid: string): StoredOrder {
    const o = this.state.orders.get(uuid);
    if (!o || o.account !== account) throw notFound(`Заказ с uuid ${uuid} не найден`);
    return o;
  }

  /** `GET /v2/orders?cdek_number=` / `?im_number=`: by shop number the live order wins over invalid or removed ones. */
  lookUp(account: string, query: URLSearchParams): StoredOrder {
    const cdekNumber = query.get("cdek_number");
    const imNumber = query.get("im_number");
    if (cdekNumber) {
      const o = this.byCdekNumber.get(cdekNumber);
      if (!o || o.account !== account) throw notFound(`Заказ с номером СДЭК ${cdekNumber} не найден`);
      return o;
    }
    if (imNumber) {
      const all = [...(this.byNumber.get(numberKey(account, imNumber)) ?? [])].reverse();
      const o = all.find((x) => !INACTIVE_STATUSES.has(lastStatus(x).code)) ?? all[0];
      if (!o) throw notFound(`Заказ с номером ИМ ${imNumber} не найден`);
      return o;
    }
    throw badRequest("v2_parameters_empty", "Передайте uuid, cdek_number или im_number заказа");
  }

  /** The order as `GET /v2/orders…` shows it. */
  renderOrder(o: StoredOrder): CdekOrderView {
    const { city } = destinationOf(o.body);
    const toLocation =
      isObject(o.body.to_location) && city ? { ...cityFields(city), ...o.body.to_location } : undefined;
    const entity: JsonObject = {
      ...o.body,
      uuid: o.uuid,
      type: o.body.type ?? 1,
      is_return: false,
      is_reverse: false,
      is_client_return: o.body.is_client_return === true,
      cdek_number: o.cdekNumber,
      delivery_mode: deliveryMode(o.body),
      items_cost_currency: "RUB",
      recipient_currency: city?.currency ?? "RUB",
      packages: o.packages,
      statuses: [...o.statuses].reverse().map(({ city_code: _code, ...s }) => s),
      delivery_detail: o.deliveryDetail,
    };
    if (toLocation) entity.to_location = toLocation;
    return { entity, requests: o.requests, related_entities: [] };
  }

  /** `DELETE /v2/orders/{uuid}`: only while the order is ACCEPTED or CREATED. */
  deleteOrder(account: string, uuid: string) {
    const o = this.order(account, uuid);
    const last = lastStatus(o).code;
    if (last !== "ACCEPTED" && last !== "CREATED")
      throw new CdekHttpError(400, {
        requests: [
          {
            type: "DELETE",
            state: "INVALID",
            date_time: cdekDateTime(),
            errors: [
              {
                code: "v2_order_cannot_be_deleted",
                message: `Заказ в статусе «${STATUSES[last].name}» удалить уже нельзя: удаление возможно только в статусе «Создан»`,
              },
            ],
          },
        ],
      });
    const request: CdekRequestRecord = {
      request_uuid: randomUUID(),
      type: "DELETE",
      state: "ACCEPTED",
      date_time: cdekDateTime(),
    };
    o.requests.push(request);
    this.appendStatus(o, "REMOVED");
    const answer = { entity: { uuid }, requests: [{ ...request }], related_entities: [] };
    this.later(this.state.tuning.validateDelayMs, () => (request.state = "SUCCESSFUL"));
    return answer;
  }

  /** Control: the order moves on at CDEK; ORDER_STATUS goes to the account's subscribers. */
  setStatus(input: SetStatusInput): CdekOrderView {
    const o =
      (input.uuid && this.state.orders.get(input.uuid)) ||
      (input.cdekNumber && this.byCdekNumber.get(input.cdekNumber)) ||
      undefined;
    if (!o) throw new ControlError(404, `Заказ ${input.uuid ?? input.cdekNumber ?? "(не указан)"} не найден`);
    if (!isStatusCode(input.code) || input.code === "ACCEPTED" || input.code === "INVALID")
      throw new ControlError(
        400,
        `Статус «${String(input.code)}» нельзя установить: нужен код из таблицы статусов СДЭК`,
      );
    if (!o.cdekNumber)
      throw new ControlError(409, "Заказ ещё не зарегистрирован (нет номера СДЭК): дождитесь проверки");
    if (input.paymentSum !== undefined && !(Number.isFinite(input.paymentSum) && input.paymentSum >= 0))
      throw new ControlError(400, "paymentSum: нужна неотрицательная сумма");
    if (input.code === "DELIVERED") {
      const sum = round2(input.paymentSum ?? codSum(o.body));
      o.deliveryDetail = {
        payment_sum: sum,
        payment_info: sum > 0 ? [{ type: input.paymentType ?? "CASH", sum }] : [],
      };
    }
    this.appendStatus(o, input.code, {
      city: input.city,
      reasonCode: input.reasonCode === undefined ? undefined : String(input.reasonCode),
    });
    return this.renderOrder(o);
  }

  private appendStatus(o: StoredOrder, code: CdekStatusCode, extra: { city?: string; reasonCode?: string } = {}) {
    const place = SENDER_CITY_STATUSES.has(code) ? originOf(o.body) : destinationOf(o.body).city;
    const status: OrderStatusRecord = {
      code,
      name: STATUSES[code].name,
      date_time: cdekDateTime(),
      city: extra.city ?? place?.city ?? "Москва",
      city_code: extra.city ? undefined : (place?.code ?? 44),
      reason_code: extra.reasonCode,
    };
    o.statuses.push(status);
    // ACCEPTED is the hub's own request coming back and INVALID has no ORDER_STATUS: the hub polls for it.
    if (code !== "ACCEPTED" && code !== "INVALID") this.notifyStatus(o, status);
  }

  // ---- webhooks ----

  /** `POST /v2/webhooks`: the same type and url updates the subscription; a third one is refused. */
  subscribe(account: string, body: unknown) {
    const type = isObject(body) ? body.type : undefined;
    const url = isObject(body) ? body.url : undefined;
    if (typeof type !== "string" || !(WEBHOOK_TYPES as readonly string[]).includes(type))
      throw badRequest("v2_webhook_type_incorrect", `Передан некорректный тип события «${String(type)}»`);
    if (typeof url !== "string" || !/^https?:\/\/\S+$/.test(url))
      throw badRequest("v2_invalid_format", "Поле [url] должно быть адресом http(s)");
    const mine = [...this.state.webhooks.values()].filter((w) => w.account === account);
    const same = mine.find((w) => w.type === type && w.url === url);
    if (same) return { entity: { uuid: same.uuid }, requests: [this.doneRequest("CREATE")] };
    if (mine.length >= MAX_WEBHOOKS_PER_ACCOUNT)
      throw badRequest(
        "v2_too_many_webhooks",
        `Слишком много подписок на вебхуки: допускается не более ${MAX_WEBHOOKS_PER_ACCOUNT}`,
      );
    const sub: WebhookSubscription = { uuid: randomUUID(), account, type, url };
    this.state.webhooks.set(sub.uuid, sub);
    return { entity: { uuid: sub.uuid }, requests: [this.doneRequest("CREATE")] };
  }

  listWebhooks(account: string) {
    return [...this.state.webhooks.values()].filter((w) => w.account === account).map(showWebhook);
  }

  webhook(account: string, uuid: string) {
    const w = this.state.webhooks.get(uuid);
    if (!w || w.account !== account) throw notFound(`Подписка ${uuid} не найдена`);
    return w;
  }

  unsubscribe(account: string, uuid: string) {
    this.webhook(account, uuid);
    this.state.webhooks.delete(uuid);
    return { entity: { uuid }, requests: [this.doneRequest("DELETE")] };
  }

  private doneRequest(type: CdekRequestRecord["type"]): CdekRequestRecord {
    return { request_uuid: randomUUID(), type, state: "SUCCESSFUL", date_time: cdekDateTime() };
  }

  private notifyStatus(o: StoredOrder, status: OrderStatusRecord) {
    const attributes: JsonObject = {
      is_return: false,
      is_reverse: false,
      is_client_return: false,
      cdek_number: o.cdekNumber,
      number: o.body.number,
      code: status.code,
      status_code: STATUSES[status.code].numeric,
      status_date_time: status.date_time,
      city_name: status.city,
      city_code: status.city_code === undefined ? "" : String(status.city_code),
    };
    if (status.reason_code !== undefined) attributes.status_reason_code = status.reason_code;
    const body = { type: "ORDER_STATUS", date_time: cdekDateTime(), uuid: o.uuid, attributes };
    for (const sub of this.state.webhooks.values())
      if (sub.account === o.account && sub.type === "ORDER_STATUS") this.deliver(sub, body);
  }

  /** Fire and forget, as CDEK does; `settle()` waits for the ones in flight. */
  private deliver(sub: WebhookSubscription, body: JsonObject) {
    const record = (d: Omit<WebhookDelivery, "subscription" | "url" | "body">) => {
      this.state.webhookDeliveries.push({ subscription: sub.uuid, url: sub.url, body, ...d });
      if (this.state.webhookDeliveries.length > MAX_DELIVERY_LOG) this.state.webhookDeliveries.shift();
    };
    if (Math.random() < this.state.tuning.loseWebhooks) {
      this.state.counters.webhooksLost++;
      return record({ outcome: "lost" });
    }
    const signal = AbortSignal.any([AbortSignal.timeout(this.state.tuning.webhookTimeoutMs), this.closing.signal]);
    const sending = fetch(sub.url, {
      method: "POST",
      headers: { "content-type": "application/json;charset=UTF-8" },
      body: JSON.stringify(body),
      signal,
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (res.status === 200) this.state.counters.webhooksDelivered++;
        else this.state.counters.webhooksFailed++;
        record({ outcome: res.status === 200 ? "delivered" : "failed", httpStatus: res.status });
      })
      .catch((e: unknown) => {
        this.state.counters.webhooksFailed++;
        record({ outcome: "failed", error: e instanceof Error ? (e.cause as Error)?.message || e.message : String(e) });
      })
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  /** Resolves once every webhook delivery started so far has settled. */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  // ---- print forms ----

  /** `POST /v2/print/orders` and `/v2/print/barcodes`: 202, then ACCEPTED → PROCESSING → READY (or INVALID). */
  createPrintJob(account: string, kind: PrintKind, body: unknown) {
    const request = isObject(body) ? body : {};
    const refs = Array.isArray(request.orders) ? request.orders : undefined;
    if (!refs?.length) throw badRequest("v2_field_is_empty", "Не передано обязательное поле [orders]");
    if (refs.length > MAX_PRINT_ORDERS)
      throw badRequest("v2_invalid_format", `В одном запросе печати не более ${MAX_PRINT_ORDERS} заказов`);
    if (!refs.every((r) => isObject(r) && (typeof r.order_uuid === "string" || typeof r.cdek_number === "string")))
      throw badRequest("v2_invalid_format", "Каждый элемент [orders] должен содержать order_uuid или cdek_number");
    const copies = request.copy_count ?? (kind === "orders" ? 2 : 1);
    if (!Number.isInteger(copies) || (copies as number) < 1 || (copies as number) > 10)
      throw badRequest("v2_invalid_format", "Поле [copy_count] должно быть целым числом от 1 до 10");
    if (
      kind === "barcodes" &&
      request.format !== undefined &&
      !["A4", "A5", "A6", "A7"].includes(String(request.format))
    )
      throw badRequest("v2_invalid_format", "Поле [format] может быть A4, A5, A6 или A7");
    const job: PrintJob = {
      uuid: randomUUID(),
      account,
      kind,
      request: { ...request, copy_count: copies },
      statuses: [{ code: "ACCEPTED", name: "Принят", date_time: cdekDateTime() }],
      requests: [{ request_uuid: randomUUID(), type: "CREATE", state: "ACCEPTED", date_time: cdekDateTime() }],
    };
    this.state.printJobs.set(job.uuid, job);
    const delay = this.state.tuning.printDelayMs;
    this.later(delay / 2, () =>
      job.statuses.push({ code: "PROCESSING", name: "Формируется", date_time: cdekDateTime() }),
    );
    this.later(delay, () => this.finishPrintJob(job));
    return { entity: { uuid: job.uuid }, requests: [{ ...job.requests[0]! }], related_entities: [] };
  }

  private finishPrintJob(job: PrintJob) {
    const missing = this.printRefs(job).filter((r) => !r.order?.cdekNumber);
    const request = job.requests[0]!;
    if (missing.length) {
      request.state = "INVALID";
      request.errors = missing.map((r) => ({
        code: "v2_order_not_found",
        message: `Заказ ${r.label} не найден или ещё не зарегистрирован`,
      }));
      job.statuses.push({ code: "INVALID", name: "Некорректный запрос", date_time: cdekDateTime() });
      return;
    }
    request.state = "SUCCESSFUL";
    job.url = `${this.baseUrl()}/v2/print/${job.kind}/${job.uuid}.pdf`;
    job.statuses.push({ code: "READY", name: "Сформирован", date_time: cdekDateTime() });
  }

  private printRefs(job: PrintJob) {
    return (job.request.orders as JsonObject[]).map((r) => {
      const byUuid = typeof r.order_uuid === "string" ? this.state.orders.get(r.order_uuid) : undefined;
      const found = byUuid ?? (typeof r.cdek_number === "string" ? this.byCdekNumber.get(r.cdek_number) : undefined);
      const label = String(r.order_uuid ?? r.cdek_number);
      return { label, order: found?.account === job.account ? found : undefined };
    });
  }

  printJob(account: string, kind: PrintKind, uuid: string) {
    const job = this.state.printJobs.get(uuid);
    if (!job || job.account !== account || job.kind !== kind) throw notFound(`Печатная форма ${uuid} не найдена`);
    return {
      entity: { uuid: job.uuid, ...job.request, statuses: job.statuses, url: job.url },
      requests: job.requests,
      related_entities: [],
    };
  }

  /** `GET /v2/print/{kind}/{uuid}.pdf` once the job is READY. */
  printPdf(account: string, kind: PrintKind, uuid: string): Buffer {
    const job = this.state.printJobs.get(uuid);
    if (!job || job.account !== account || job.kind !== kind || !job.url)
      throw notFound(`Файл печатной формы ${uuid} не найден или ещё не сформирован`);
    const orders = this.printRefs(job).map(({ order }) => printable(order!));
    const format = (job.request.format as PaperFormat | undefined) ?? "A4";
    return renderPdf(printPages(job.kind, orders, job.request.copy_count as number, format));
  }

  // ---- registries ----

  registriesFor(account: string, date: string | null) {
    if (!date) throw badRequest("v2_field_is_empty", "Не передано обязательное поле [date]");
    if (!DATE.test(date)) throw badRequest("v2_invalid_format", "Поле [date] должно быть датой ГГГГ-ММ-ДД");
    return {
      registries: this.state.registries.filter((r) => r.account === account && r.date === date).map((r) => r.registry),
    };
  }

  /** Control: a registry exactly as given (sum defaults to Σ transfer_sum). */
  addRegistry(input: RegistryInput): CdekRegistry {
    const account = input.account ?? this.defaultAccount();
    if (!this.state.accounts.has(account)) throw new ControlError(400, `Неизвестный Account «${account}»`);
    if (!DATE.test(input.date ?? "")) throw new ControlError(400, "date: нужна дата ГГГГ-ММ-ДД");
    if (!Array.isArray(input.orders)) throw new ControlError(400, "orders: нужен список заказов реестра");
    const orders = input.orders.map((o) => ({
      cdek_number: String(o.cdek_number),
      transfer_sum: Number(o.transfer_sum),
      payment_sum: Number(o.payment_sum),
      total_sum_without_agent: Number(o.total_sum_without_agent),
      agent_commission_sum: Number(o.agent_commission_sum),
    }));
    const registry: CdekRegistry = {
      registry_number: input.registry_number ?? this.nextRegistryNumber,
      payment_date: input.payment_date ?? input.date,
      sum: input.sum ?? round2(orders.reduce((s, o) => s + o.transfer_sum, 0)),
      payment_order_number: input.payment_order_number ?? 5000 + this.nextRegistryNumber,
      orders,
    };
    this.nextRegistryNumber++;
    for (const o of orders) {
      const order = this.byCdekNumber.get(o.cdek_number);
      if (order?.account === account) order.inRegistry = true;
    }
    this.state.registries.push({ account, date: input.date, registry });
    return registry;
  }

  /** Control: a registry of every DELIVERED order with COD not yet in one; null when there is none. */
  makeRegistry(date: string, opts: { commissionPercent?: number; account?: string } = {}): CdekRegistry | null {
    const account = opts.account ?? this.defaultAccount();
    const percent = opts.commissionPercent ?? 3;
    if (!DATE.test(date)) throw new ControlError(400, "date: нужна дата ГГГГ-ММ-ДД");
    if (!(percent >= 0 && percent < 100)) throw new ControlError(400, "commissionPercent: нужен процент от 0 до 100");
    const due = [...this.state.orders.values()].filter(
      (o) => o.account === account && !o.inRegistry && o.cdekNumber && (o.deliveryDetail?.payment_sum ?? 0) > 0,
    );
    if (!due.length) return null;
    return this.addRegistry({
      account,
      date,
      orders: due.map((o) => {
        const payment = o.deliveryDetail!.payment_sum;
        const commission = round2((payment * percent) / 100);
        const net = round2(payment - commission);
        return {
          cdek_number: o.cdekNumber!,
          payment_sum: payment,
          agent_commission_sum: commission,
          total_sum_without_agent: net,
          transfer_sum: net,
        };
      }),
    });
  }

  private defaultAccount(): string {
    return this.state.accounts.keys().next().value!;
  }

  // ---- housekeeping ----

  configure(patch: Partial<CdekStandInTuning>): CdekStandInTuning {
    this.state.tuning = resolveTuning(patch, this.state.tuning);
    return this.state.tuning;
  }

  resetCounters() {
    this.state.counters = emptyCounters();
  }

  private later(ms: number, fn: () => void) {
    if (this.closing.signal.aborted) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Stops pending verdicts and print jobs and aborts webhook deliveries in flight. */
  async close() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.closing.abort();
    await this.settle();
  }
}

function emptyCounters(): StandInCounters {
  return {
    ordersCreated: 0,
    tokenRequests: 0,
    requests: {},
    rateLimited: 0,
    injectedFailures: 0,
    webhooksDelivered: 0,
    webhooksFailed: 0,
    webhooksLost: 0,
  };
}

function numberKey(account: string, number: string) {
  return `${account}\n${number}`;
}

export function lastStatus(o: StoredOrder): OrderStatusRecord {
  return o.statuses[o.statuses.length - 1]!;
}

function showWebhook(w: WebhookSubscription) {
  return { uuid: w.uuid, type: w.type, url: w.url };
}

function cityFields(c: NonNullable<ReturnType<typeof destinationOf>["city"]>) {
  return { code: c.code, city: c.city, city_uuid: c.city_uuid, country_code: c.country_code, country: c.country };
}

/** cdek-v2.md §5.1: 1 door-door, 2 door-office, 3 office-door, 4 office-office, 6 door-postamat, 7 office-postamat. */
function deliveryMode(body: JsonObject): string {
  const fromOffice = body.shipment_point !== undefined;
  const { point } = destinationOf(body);
  if (point?.type === "POSTAMAT") return fromOffice ? "7" : "6";
  if (body.delivery_point !== undefined) return fromOffice ? "4" : "2";
  return fromOffice ? "3" : "1";
}

function printable(o: StoredOrder): PrintableOrder {
  const { city, point } = destinationOf(o.body);
  const where = point
    ? `ПВЗ ${point.code}, ${point.address}`
    : String(isObject(o.body.to_location) ? o.body.to_location.address : "");
  return {
    cdekNumber: o.cdekNumber!,
    body: o.body,
    packages: o.packages,
    destination: [city?.city, where].filter(Boolean).join(", "),
    cod: codSum(o.body),
    currency: city?.currency ?? "RUB",
  };
}

/** A JWT-shaped token (header.payload.signature); nothing checks the signature, the stand-in looks tokens up. */
function fakeJwt(payload: JsonObject): string {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}.${randomBytes(24).toString("base64url")}`;
}
