import { randomBytes } from "node:crypto";
import { ControlError } from "../shared/process";
import {
  CURRENCIES,
  DATE_RE,
  DATE_TIME_RE,
  DEFAULT_DELIVERY_SERVICES,
  DIGESTS,
  type Digest,
  MOBILE_RE,
  MONEY_RECIPIENTS,
  NO_MAIN_PARTS,
  type Operation,
  POST_ID_RE,
  TIN_RE,
  UNIFORM_STATUSES,
  type UniformStatus,
  VAT_VALUES,
} from "./reference";
import { type ParsedKey, parsePublicKey } from "./signature";
import {
  array,
  attr,
  bool,
  child,
  type Enc,
  int,
  items,
  nil,
  SoapFault,
  str,
  struct,
  text,
  type XmlNode,
} from "./soap";
import type {
  CallRecord,
  ClientRecord,
  HistoryEntry,
  OrderRecord,
  PendingFailure,
  PimPayStandInOptions,
  PimPayStandInTuning,
  StateLogEntry,
  TokenView,
  VerificationRecord,
  VerificationRow,
} from "./types";

export { ControlError };

export const DEMO_TOKEN = "pimpay-demo-token";

interface TokenState {
  token: string;
  key?: ParsedKey;
  registeredAt?: string;
  clients: Map<string, ClientRecord>;
  orders: Map<string, OrderRecord>;
  verifications: Map<string, VerificationRecord>;
}

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_RE = /^[+-]?\d+$/;
const BOOL_RE = /^(?:true|false|1|0)$/;
const MAX_LOG = 5000;

const money = (n: number) => n.toFixed(2);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The node as a plain object for inspection: arrays (arrayType or all `<item>`) as lists, attributes as `@name`. */
export function toPlain(node: XmlNode): unknown {
  const attrs = Object.entries(node.attrs).filter(([k]) => !/(^|:)(type|arrayType|nil|id|href)$/.test(k));
  if (!node.children.length && !attrs.length) return node.text;
  const isArray = attr(node, "arrayType") !== undefined || node.children.every((c) => c.name === "item");
  if (isArray && node.children.length) return node.children.map(toPlain);
  const out: Record<string, unknown> = Object.fromEntries(attrs.map(([k, v]) => [`@${k}`, v]));
  const repeated = new Set<string>();
  for (const c of node.children) {
    const v = toPlain(c);
    if (!(c.name in out)) out[c.name] = v;
    else if (repeated.has(c.name)) (out[c.name] as unknown[]).push(v);
    else {
      repeated.add(c.name);
      out[c.name] = [out[c.name], v];
    }
  }
  return out;
}

/** Field checks that collect Russian problems under a path prefix. */
class Problems {
  readonly list: string[] = [];
  add(msg: string) {
    this.list.push(msg);
  }
  required(node: XmlNode | undefined, name: string, path: string): string | undefined {
    const v = text(node, name);
    if (v === undefined || v === "") this.add(`${path}${name}: обязательное поле не заполнено`);
    return v === "" ? undefined : v;
  }
  float(node: XmlNode | undefined, name: string, path: string, required = false): number | undefined {
    const v = required ? this.required(node, name, path) : text(node, name) || undefined;
    if (v === undefined) return undefined;
    if (!FLOAT_RE.test(v)) return void this.add(`${path}${name}: «${v}» не число`);
    return Number(v);
  }
  int(node: XmlNode | undefined, name: string, path: string) {
    const v = text(node, name) || undefined;
    if (v !== undefined && !INT_RE.test(v)) this.add(`${path}${name}: «${v}» не целое число`);
  }
  enumOf<T extends string>(node: XmlNode | undefined, name: string, path: string, values: readonly T[], req = false) {
    const v = req ? this.required(node, name, path) : text(node, name) || undefined;
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v))
      return void this.add(`${path}${name}: «${v}» не из списка допустимых (${values.join(", ")})`);
    return v as T;
  }
  dateTime(node: XmlNode | undefined, name: string, path: string, required = false) {
    const v = required ? this.required(node, name, path) : text(node, name) || undefined;
    if (v === undefined) return undefined;
    if (!DATE_TIME_RE.test(v) || Number.isNaN(Date.parse(v)))
      return void this.add(`${path}${name}: «${v}» не дата-время xsd:dateTime (2025-06-03T11:05:00Z)`);
    return v;
  }
}

/** In-memory PimPay: tokens with their public keys, clients by INN, orders, states, verifications. */
export class PimPayPlatform {
  readonly tokens = new Map<string, TokenState>();
  stateLog: StateLogEntry[] = [];
  calls: CallRecord[] = [];
  failures: PendingFailure[] = [];
  readonly tuning: PimPayStandInTuning;
  readonly demoToken: string;
  readonly deliveryServices: { code: string; title: string }[];
  readonly now: () => number;

  constructor(private readonly options: PimPayStandInOptions) {
    this.now = options.now ?? Date.now;
    this.demoToken = options.demoToken ?? DEMO_TOKEN;
    this.tuning = {
      digests: ["sha256"],
      strictSoapAction: true,
      strictTestSignature: false,
      requireSoapHeaders: false,
      unknownClient: "fault",
      requireReturnUtilization: true,
      verificationDelayMs: 5000,
    };
    this.configure(options);
    const extra = (options.deliveryServices ?? []).filter(
      (d) => !DEFAULT_DELIVERY_SERVICES.some((x) => x.code === d.code),
    );
    this.deliveryServices = [...DEFAULT_DELIVERY_SERVICES, ...extra];
    this.reset(false);
  }

  private iso(ms = this.now()) {
    return new Date(ms).toISOString();
  }

  /** Everything back to the start: the demo token (with the start-up key, if any) and nothing else. */
  reset(keepTokens: boolean) {
    const kept = keepTokens ? [...this.tokens.values()] : [];
    this.tokens.clear();
    this.stateLog = [];
    this.calls = [];
    this.failures = [];
    for (const t of kept)
      this.tokens.set(t.token, { ...t, clients: new Map(), orders: new Map(), verifications: new Map() });
    if (!this.tokens.has(this.demoToken)) this.registerToken(this.demoToken, this.options.demoPublicKeyPem);
  }

  configure(patch: Partial<PimPayStandInTuning>): PimPayStandInTuning {
    const t = { ...this.tuning };
    if (patch.digests !== undefined) {
      const list = (Array.isArray(patch.digests) ? patch.digests : [patch.digests]).map((d) =>
        String(d).toLowerCase().replace("-", ""),
      );
      if (!list.length || list.some((d) => !(DIGESTS as readonly string[]).includes(d)))
        throw new ControlError(400, `digests: нужен непустой список из ${DIGESTS.join(", ")}`);
      t.digests = list as Digest[];
    }
    for (const k of [
      "strictSoapAction",
      "strictTestSignature",
      "requireSoapHeaders",
      "requireReturnUtilization",
    ] as const)
      if (patch[k] !== undefined) {
        if (typeof patch[k] !== "boolean") throw new ControlError(400, `${k}: нужно true или false`);
        t[k] = patch[k];
      }
    if (patch.unknownClient !== undefined) {
      if (!["fault", "nil"].includes(patch.unknownClient)) throw new ControlError(400, "unknownClient: fault или nil");
      t.unknownClient = patch.unknownClient;
    }
    if (patch.verificationDelayMs !== undefined) {
      const ms = Number(patch.verificationDelayMs);
      if (!Number.isFinite(ms) || ms < 0) throw new ControlError(400, "verificationDelayMs: нужно число ≥ 0");
      t.verificationDelayMs = ms;
    }
    Object.assign(this.tuning, t);
    return { ...this.tuning };
  }

  // ---- tokens and keys ----

  /** Creates the token (random when not given) and/or registers its public key (replacing the old one). */
  registerToken(token?: string, publicKeyPem?: string): TokenView {
    const name = token?.trim() || `pp-${randomBytes(12).toString("hex")}`;
    let key: ParsedKey | undefined;
    if (publicKeyPem !== undefined && publicKeyPem !== null && publicKeyPem !== "") {
      if (typeof publicKeyPem !== "string") throw new ControlError(400, "publicKeyPem: нужна строка PEM");
      try {
        key = parsePublicKey(publicKeyPem);
      } catch (e) {
        throw new ControlError(400, e instanceof Error ? e.message : String(e));
      }
    }
    let state = this.tokens.get(name);
    if (!state) {
      state = { token: name, clients: new Map(), orders: new Map(), verifications: new Map() };
      this.tokens.set(name, state);
    }
    if (key) {
      state.key = key;
      state.registeredAt = this.iso();
    }
    return this.tokenView(state);
  }

  removeKey(token: string): TokenView {
    const state = this.controlToken(token);
    state.key = undefined;
    state.registeredAt = undefined;
    return this.tokenView(state);
  }

  tokenView(t: TokenState): TokenView {
    return {
      token: t.token,
      hasKey: !!t.key,
      keyFingerprint: t.key?.fingerprint,
      keyBits: t.key?.bits,
      registeredAt: t.registeredAt,
      clients: t.clients.size,
      orders: t.orders.size,
    };
  }

  tokenState(token: string): TokenState | undefined {
    return this.tokens.get(token);
  }

  /** The token a control call means: the given one, else the demo token. */
  controlToken(token: unknown): TokenState {
    const name = token === undefined || token === null || token === "" ? this.demoToken : String(token);
    const state = this.tokens.get(name);
    if (!state) throw new ControlError(404, `Токен «${name}» не зарегистрирован`);
    return state;
  }

  // ---- clients ----

  private purpose(tin: string, name: string, agreement?: string) {
    return `Перечисление средств по договору ${agreement || "б/н"} за заказы клиента ${name}, ИНН ${tin}. Без НДС`;
  }

  /** A client as PimPay's manager would make it: active and payable unless said otherwise. */
  upsertClientByControl(input: Record<string, unknown>): ClientRecord {
    const ts = this.controlToken(input.token);
    const tin = String(input.tin ?? "");
    if (!TIN_RE.test(tin)) throw new ControlError(400, "tin: ИНН из 10–12 цифр");
    const had = ts.clients.get(tin);
    const s = (k: string) => (input[k] === undefined ? undefined : String(input[k]));
    const b = (k: string) => (input[k] === undefined ? undefined : input[k] === true || input[k] === "true");
    const name = s("legalEntityName") ?? had?.legalEntityName ?? `ООО «Магазин ${tin}»`;
    const at = this.iso();
    const record: ClientRecord = {
      tin,
      legalEntityName: name,
      shopName: s("shopName") ?? had?.shopName ?? name,
      agreement: s("agreement") ?? had?.agreement,
      email: s("email") ?? had?.email,
      mobile: s("mobile") ?? had?.mobile,
      extra: had?.extra,
      status: s("status") ?? had?.status ?? "active",
      isActive: b("isActive") ?? had?.isActive ?? true,
      isMoneyTransferPossible: b("isMoneyTransferPossible") ?? had?.isMoneyTransferPossible ?? true,
      paymentOrderPurpose:
        s("paymentOrderPurpose") ?? had?.paymentOrderPurpose ?? this.purpose(tin, name, s("agreement")),
      createdAt: had?.createdAt ?? at,
      updatedAt: at,
      source: had?.source ?? "control",
    };
    ts.clients.set(tin, record);
    return record;
  }

  clientsOf(token: unknown) {
    const ts = this.controlToken(token);
    return [...ts.clients.values()].map((c) => ({ ...c, ordersCount: this.ordersCount(ts, c.tin) }));
  }

  private ordersCount(ts: TokenState, tin: string) {
    let n = 0;
    for (const o of ts.orders.values()) if (o.tin === tin) n++;
    return n;
  }

  private clientInfo(ts: TokenState, c: ClientRecord): Enc {
    return struct("ClientInfo", {
      tin: str(c.tin),
      status: str(c.status),
      isMoneyTransferPossible: bool(c.isMoneyTransferPossible),
      isActive: bool(c.isActive),
      paymentOrderPurpose: str(c.paymentOrderPurpose),
      ordersCount: int(this.ordersCount(ts, c.tin)),
    });
  }

  // ---- SOAP methods ----

  /** Runs a verified call; `signatureOk` only matters to testHeaderSignature. Faults are thrown as SoapFault. */
  call(op: Operation, ts: TokenState, node: XmlNode, signatureOk: boolean): [string, Enc][] {
    switch (op) {
      case "testHeaderSignature":
        return [["isVerified", bool(signatureOk)]];
      case "getDeliveryServices":
        return [["result", this.getDeliveryServices()]];
      case "getClient":
        return [["clientInfo", this.getClient(ts, node)]];
      case "acceptClient":
        return [["clientInfo", this.acceptClient(ts, node)]];
      case "upsertOrders":
        return [["result", this.upsertOrders(ts, node, false)]];
      case "upsertHistoricalOrders":
        return [["result", this.upsertOrders(ts, node, true)]];
      case "updateStateForOrders":
        return [["result", this.updateStates(ts, node)]];
      case "sendVerification":
        return [["result", bool(this.sendVerification(ts, node))]];
      case "getVerificationStatus":
        return [["result", this.getVerificationStatus(ts, node)]];
    }
  }

  private getDeliveryServices(): Enc {
    const list = this.deliveryServices.map((d) =>
      struct("DeliveryServiceInfoResultItem", { code: str(d.code), title: str(d.title) }),
    );
    return struct("DeliveryServiceInfoResultResponse", {
      count: int(list.length),
      deliveryServices: array("DeliveryServiceInfoResultItems", "DeliveryServiceInfoResultItem", list),
    });
  }

  private getClient(ts: TokenState, node: XmlNode): Enc {
    const tin = text(node, "tin");
    if (!tin) throw new SoapFault("Client", "Не передан ИНН клиента (tin)");
    if (!TIN_RE.test(tin)) throw new SoapFault("Client", `ИНН «${tin}» должен состоять из 10–12 цифр`);
    const c = ts.clients.get(tin);
    if (c) return this.clientInfo(ts, c);
    if (this.tuning.unknownClient === "nil") return nil;
    throw new SoapFault("Client", `Клиент с ИНН ${tin} не найден`);
  }

  /** Parts inside `<client>` (AcceptClientParams, the WSDL's form) or directly in the call (flat form). */
  private acceptClient(ts: TokenState, node: XmlNode): Enc {
    const src = child(node, "client") ?? node;
    const p = new Problems();
    const legalEntityName = p.required(src, "legalEntityName", "");
    const tin = p.required(src, "tin", "");
    const shopName = p.required(src, "shopName", "");
    const email = p.required(src, "email", "");
    const mobile = p.required(src, "mobile", "");
    if (tin && !TIN_RE.test(tin)) p.add(`tin: «${tin}» — ИНН должен состоять из 10–12 цифр`);
    if (mobile && !MOBILE_RE.test(mobile)) p.add(`mobile: «${mobile}» — нужен формат +79991234567 («+» и 11 цифр)`);
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) p.add(`email: «${email}» не похож на адрес почты`);
    if (p.list.length) throw new SoapFault("Client", `Клиент не принят: ${p.list.join("; ")}`);
    const had = ts.clients.get(tin!);
    const agreement = text(src, "agreement") || had?.agreement;
    const at = this.iso();
    const record: ClientRecord = {
      tin: tin!,
      legalEntityName: legalEntityName!,
      shopName: shopName!,
      agreement,
      email,
      mobile,
      extra: text(src, "extra") || had?.extra,
      status: had?.status ?? "new",
      isActive: had?.isActive ?? false,
      isMoneyTransferPossible: had?.isMoneyTransferPossible ?? false,
      paymentOrderPurpose: had?.paymentOrderPurpose ?? this.purpose(tin!, legalEntityName!, agreement),
      createdAt: had?.createdAt ?? at,
      updatedAt: at,
      source: had?.source ?? "soap",
    };
    ts.clients.set(record.tin, record);
    return this.clientInfo(ts, record);
  }

  private upsertOrders(ts: TokenState, node: XmlNode, historical: boolean): Enc {
    const list = child(node, "orders");
    if (!list) throw new SoapFault("Client", "Не передан массив заказов orders");
    const results = items(list).map((o, i) => {
      const id = text(o, "id") ?? "";
      const error = this.storeOrder(ts, o, historical);
      return { id: id || `#${i + 1}`, error };
    });
    return struct("UpsertResultResponse", {
      count: int(results.length),
      orders: array(
        "UpsertResultItems",
        "UpsertResultItem",
        results.map((r) => resultItem("UpsertResultItem", r)),
      ),
    });
  }

  /** Validates one Order; stores it and returns undefined, or returns the Russian error. */
  private storeOrder(ts: TokenState, o: XmlNode, historical: boolean): string | undefined {
    const id = text(o, "id");
    if (!id) return "Не указан идентификатор заказа (id)";
    const base = child(o, "base");
    if (!base || !base.children.length) return NO_MAIN_PARTS;
    const p = new Problems();
    const tin = p.required(o, "tin", "");
    if (tin && !TIN_RE.test(tin)) p.add(`tin: «${tin}» — ИНН должен состоять из 10–12 цифр`);
    else if (tin && !ts.clients.has(tin)) p.add(`tin: клиент с ИНН ${tin} не найден (сначала acceptClient)`);
    const createdAt = p.dateTime(o, "createdAt", "", true);
    const postId = text(base, "postId") || undefined;
    if (postId && !POST_ID_RE.test(postId)) p.add(`base.postId: «${postId}» — нужен ШПИ (AA123456789AA или 14 цифр)`);
    const params = child(base, "params");
    const pp = "base.params.";
    if (!params) p.add("base.params: не указаны параметры заказа");
    const currency = p.enumOf(params, "currency", pp, CURRENCIES, !!params);
    const paymentFromRecipient = p.float(params, "paymentFromRecipient", pp, !!params);
    const declaredOrderCost = p.float(params, "declaredOrderCost", pp, !!params);
    const estimatedDeliveryCost = p.float(params, "estimatedDeliveryCost", pp);
    const codes = this.deliveryServices.map((d) => d.code);
    const deliveryService = p.enumOf(params, "deliveryService", pp, codes, !!params);
    const deliveryServiceExternalId = params ? p.required(params, "deliveryServiceExternalId", pp) : undefined;
    const uniform = p.enumOf(params, "uniformPimpayDeliveryStatus", pp, UNIFORM_STATUSES, !!params);
    const custom = params ? p.required(params, "customDeliveryStatus", pp) : undefined;
    const ru = text(params, "returnUtilization");
    if (params && ru === undefined && this.tuning.requireReturnUtilization)
      p.add(`${pp}returnUtilization: обязательное поле не заполнено (true/false)`);
    if (ru !== undefined && !BOOL_RE.test(ru)) p.add(`${pp}returnUtilization: «${ru}» не true/false`);
    const history: HistoryEntry[] = [];
    const historyNode = child(params, "history");
    if (params && !historyNode) p.add(`${pp}history: не передана история статусов (массив, можно пустой)`);
    items(historyNode).forEach((h, i) => {
      const hp = `${pp}history[${i + 1}].`;
      const time = p.dateTime(h, "time", hp, true);
      const hu = p.enumOf(h, "uniformPimpayDeliveryStatus", hp, UNIFORM_STATUSES, true);
      const hc = p.required(h, "customDeliveryStatus", hp);
      if (time && hu && hc)
        history.push({
          time,
          uniformPimpayDeliveryStatus: hu,
          customDeliveryStatus: hc,
          deliveryServiceDeliveryStatus: text(h, "deliveryServiceDeliveryStatus") || undefined,
          cityCode: text(h, "cityCode") || undefined,
          source: "upsert",
        });
    });
    const moneyRecipient = p.enumOf(o, "moneyRecipient", "", MONEY_RECIPIENTS);
    p.int(o, "deliveryTimeInDays", "");
    items(child(o, "items")).forEach((it, i) => {
      const ip = `items[${i + 1}].`;
      p.int(it, "id", ip);
      p.int(it, "count", ip);
      for (const f of ["value", "cost", "weight", "length", "width", "height"]) p.float(it, f, ip);
      p.enumOf(it, "vatValue", ip, VAT_VALUES);
    });
    const f103 = child(o, "f103");
    if (f103) {
      p.int(f103, "number", "f103.");
      const d = p.required(f103, "date", "f103.");
      if (d && !DATE_RE.test(d)) p.add(`f103.date: «${d}» не дата xsd:date`);
    }
    if (p.list.length) return p.list.join("; ");

    const had = ts.orders.get(id);
    const at = this.iso();
    ts.orders.set(id, {
      id,
      tin: tin!,
      shopExternalId: text(o, "shopExternalId") || undefined,
      createdAt: createdAt!,
      currency: currency!,
      paymentFromRecipient: paymentFromRecipient!,
      declaredOrderCost: declaredOrderCost!,
      estimatedDeliveryCost,
      cost: had?.cost,
      deliveryService: deliveryService!,
      deliveryServiceExternalId: deliveryServiceExternalId!,
      uniformPimpayDeliveryStatus: uniform!,
      customDeliveryStatus: custom!,
      deliveryServiceDeliveryStatus: text(params, "deliveryServiceDeliveryStatus") || undefined,
      postId,
      moneyRecipient,
      history,
      itemStates: had?.itemStates ?? [],
      historical,
      upserts: (had?.upserts ?? 0) + 1,
      stateUpdates: had?.stateUpdates ?? 0,
      firstSeenAt: had?.firstSeenAt ?? at,
      updatedAt: at,
      raw: toPlain(o),
    });
    return undefined;
  }

  private updateStates(ts: TokenState, node: XmlNode): Enc {
    const list = child(node, "ordersStates");
    if (!list) throw new SoapFault("Client", "Не передан массив состояний ordersStates");
    const results = items(list).map((s, i) => {
      const id = text(s, "id") ?? "";
      const error = this.applyState(ts, s);
      return { id: id || `#${i + 1}`, error };
    });
    return struct("UpdateStateResultResponse", {
      count: int(results.length),
      orders: array(
        "UpdateStateResultItems",
        "UpdateStateResultItem",
        results.map((r) => resultItem("UpdateStateResultItem", r)),
      ),
    });
  }

  private applyState(ts: TokenState, s: XmlNode): string | undefined {
    const p = new Problems();
    const id = p.required(s, "id", "");
    const order = id ? ts.orders.get(id) : undefined;
    if (id && !order) p.add(`Заказ с id «${id}» не найден: сначала передайте его методом upsertOrders`);
    const uniform = p.enumOf(s, "uniformPimpayDeliveryStatus", "", UNIFORM_STATUSES, true);
    const custom = p.required(s, "customDeliveryStatus", "");
    const cost = p.float(s, "cost", "");
    const time = p.dateTime(s, "time", "");
    const itemStates = items(child(s, "items")).map((it, i) => {
      p.int(it, "id", `items[${i + 1}].`);
      return { id: text(it, "id") ?? "", status: text(it, "status") ?? "" };
    });
    const raw = text(s, "deliveryServiceDeliveryStatus") || undefined;
    const entry: StateLogEntry = {
      at: this.iso(),
      token: ts.token,
      id: id ?? "",
      tin: order?.tin,
      status: p.list.length ? "error" : "ok",
      errorMessage: p.list.length ? p.list.join("; ") : undefined,
      uniformPimpayDeliveryStatus: text(s, "uniformPimpayDeliveryStatus"),
      customDeliveryStatus: custom,
      deliveryServiceDeliveryStatus: raw,
      cost,
      time,
    };
    this.stateLog.push(entry);
    if (this.stateLog.length > MAX_LOG) this.stateLog.shift();
    if (p.list.length) return entry.errorMessage;
    const o = order!;
    o.uniformPimpayDeliveryStatus = uniform as UniformStatus;
    o.customDeliveryStatus = custom!;
    if (raw !== undefined) o.deliveryServiceDeliveryStatus = raw;
    if (cost !== undefined) o.cost = cost;
    for (const st of itemStates) {
      const at = o.itemStates.findIndex((x) => x.id === st.id);
      if (at >= 0) o.itemStates[at] = st;
      else o.itemStates.push(st);
    }
    o.history.push({
      time: time ?? this.iso(),
      uniformPimpayDeliveryStatus: uniform as UniformStatus,
      customDeliveryStatus: custom!,
      deliveryServiceDeliveryStatus: raw,
      source: "state",
    });
    o.stateUpdates++;
    o.updatedAt = this.iso();
    return undefined;
  }

  // ---- verifications ----

  private sendVerification(ts: TokenState, node: XmlNode): boolean {
    const p = new Problems();
    const tin = p.required(node, "tin", "");
    if (tin && !TIN_RE.test(tin)) p.add(`tin: «${tin}» — ИНН должен состоять из 10–12 цифр`);
    else if (tin && !ts.clients.has(tin)) p.add(`tin: клиент с ИНН ${tin} не найден`);
    const id = p.required(node, "id", "");
    const po = child(node, "paymentOrder");
    if (!po) p.add("paymentOrder: не передано платёжное поручение {num, date, sum}");
    const num = po ? p.required(po, "num", "paymentOrder.") : undefined;
    if (num !== undefined && !INT_RE.test(num)) p.add(`paymentOrder.num: «${num}» не целое число`);
    const date = po ? p.required(po, "date", "paymentOrder.") : undefined;
    if (date !== undefined && !DATE_RE.test(date)) p.add(`paymentOrder.date: «${date}» не дата xsd:date (2025-06-03)`);
    const sum = po ? p.float(po, "sum", "paymentOrder.", true) : undefined;
    const rowsNode = child(node, "rows");
    if (!rowsNode || !items(rowsNode).length) p.add("rows: нужна хотя бы одна строка сверки");
    const rows: VerificationRow[] = items(rowsNode).map((r, i) => readRow(r, `rows[${i + 1}].`, p));
    if (p.list.length) throw new SoapFault("Client", `Сверка не принята: ${p.list.join("; ")}`);
    const had = ts.verifications.get(id!);
    if (had && had.status !== "pending")
      throw new SoapFault("Client", `Сверка с id «${id}» уже обработана (${had.status}): передайте новую с другим id`);
    const now = this.now();
    const delay = this.tuning.verificationDelayMs;
    ts.verifications.set(id!, {
      token: ts.token,
      id: id!,
      tin: tin!,
      paymentOrder: { num: Number(num), date: date!, sum: sum! },
      rows,
      status: "pending",
      errors: [],
      receivedAt: this.iso(now),
      settleAt: delay > 0 ? this.iso(now + delay) : undefined,
    });
    return true;
  }

  private getVerificationStatus(ts: TokenState, node: XmlNode): Enc {
    const id = text(node, "id");
    if (!id) throw new SoapFault("Client", "Не передан идентификатор сверки (id)");
    const v = ts.verifications.get(id);
    if (!v) throw new SoapFault("Client", `Сверка с id «${id}» не найдена`);
    this.settleDue();
    return struct("VerificationStatusResponse", {
      id: str(v.id),
      status: str(v.status),
      errors: array(
        "VerificationErrors",
        "VerificationError",
        v.errors.map((m) => struct("VerificationError", { message: str(m) })),
      ),
    });
  }

  /** Settles the pending verifications whose time has come. */
  settleDue() {
    const now = this.now();
    for (const ts of this.tokens.values())
      for (const v of ts.verifications.values())
        if (v.status === "pending" && v.settleAt && Date.parse(v.settleAt) <= now) this.settle(ts, v);
  }

  /**
   * Matched when every row's oid is an order of this INN under the token, no oid repeats, and the rows' ptp plus
   * their custom transactions add up to paymentOrder.sum (to the kopeck); otherwise discarded with the reasons.
   */
  private settle(
    ts: TokenState,
    v: VerificationRecord,
    forced?: { status: "matched" | "discarded"; errors?: string[] },
  ) {
    let errors: string[] = [];
    if (forced)
      errors = forced.status === "matched" ? [] : forced.errors?.length ? forced.errors : ["Сверка отклонена"];
    else {
      const seen = new Set<string>();
      v.rows.forEach((r, i) => {
        const o = ts.orders.get(r.oid);
        if (!o) errors.push(`Строка ${i + 1}: заказ «${r.oid}» не найден`);
        else if (o.tin !== v.tin) errors.push(`Строка ${i + 1}: заказ «${r.oid}» принадлежит клиенту с ИНН ${o.tin}`);
        if (seen.has(r.oid)) errors.push(`Строка ${i + 1}: заказ «${r.oid}» повторяется в сверке`);
        seen.add(r.oid);
      });
      const total = round2(v.rows.reduce((s, r) => s + r.ptp + r.txs.reduce((t, x) => t + x.val, 0), 0));
      if (Math.abs(total - v.paymentOrder.sum) > 0.005)
        errors.push(
          `Сумма строк сверки (${money(total)}) не совпадает с суммой платёжного поручения №${v.paymentOrder.num} ` +
            `(${money(v.paymentOrder.sum)})`,
        );
    }
    v.status = errors.length ? "discarded" : "matched";
    v.errors = errors;
    v.settledAt = this.iso();
  }

  /** Control: settles pending verifications now (all of the token's, or one by id; optionally forcing the result). */
  settleByControl(input: Record<string, unknown>): VerificationRecord[] {
    const ts = this.controlToken(input.token);
    const status = input.status;
    if (status !== undefined && status !== "matched" && status !== "discarded")
      throw new ControlError(400, "status: matched или discarded");
    const errors = Array.isArray(input.errors) ? input.errors.map(String) : undefined;
    let list = [...ts.verifications.values()];
    if (input.id !== undefined) {
      const v = ts.verifications.get(String(input.id));
      if (!v) throw new ControlError(404, `Сверка «${String(input.id)}» не найдена`);
      list = [v];
    } else list = list.filter((v) => v.status === "pending");
    for (const v of list) this.settle(ts, v, status ? { status, errors } : undefined);
    return list;
  }

  verificationsOf(token: unknown): VerificationRecord[] {
    this.settleDue();
    return [...this.controlToken(token).verifications.values()];
  }

  ordersOf(token: unknown, filter: { tin?: string; id?: string }): OrderRecord[] {
    return [...this.controlToken(token).orders.values()].filter(
      (o) => (!filter.tin || o.tin === filter.tin) && (!filter.id || o.id === filter.id),
    );
  }

  recordCall(c: CallRecord) {
    this.calls.push(c);
    if (this.calls.length > MAX_LOG) this.calls.shift();
  }
}

function resultItem(type: string, r: { id: string; error?: string }): Enc {
  return struct(type, {
    id: str(r.id),
    status: str(r.error ? "error" : "ok"),
    errorMessage: r.error ? str(r.error) : undefined,
  });
}

/** A row's data from attributes (the SDK's form) or from `a_*` elements (the WSDL's alternative). */
function readRow(r: XmlNode, path: string, p: Problems): VerificationRow {
  const get = (k: string) => attr(r, k) ?? (text(r, `a_${k}`) || undefined);
  const num = (k: string, required: boolean) => {
    const v = get(k);
    if (v === undefined) {
      if (required) p.add(`${path}${k}: обязательное поле не заполнено`);
      return undefined;
    }
    if (!FLOAT_RE.test(v)) return void p.add(`${path}${k}: «${v}» не число`);
    return Number(v);
  };
  const oid = get("oid") ?? "";
  if (!oid) p.add(`${path}oid: не указан заказ`);
  const txs = items(child(r, "txs")).map((t, i) => {
    const val = attr(t, "val") ?? text(t, "val");
    const cmt = attr(t, "cmt") ?? attr(t, "comment") ?? text(t, "cmt") ?? text(t, "comment") ?? "";
    if (val === undefined || !FLOAT_RE.test(val)) p.add(`${path}txs[${i + 1}].val: нужна сумма`);
    return { val: Number(val ?? 0), cmt };
  });
  return {
    oid,
    ptp: num("ptp", true) ?? 0,
    pfr: num("pfr", false),
    dc: num("dc", false),
    cs: num("cs", false),
    ins: num("ins", false),
    tsc: num("tsc", false),
    txs,
  };
}
