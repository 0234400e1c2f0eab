import type { z } from "zod";
import type { OrderStatus } from "../services/orders/statuses";

/**
 * What a settings field tells the form besides its validation: zod 4 `.meta({...})` on the field.
 * `secret` fields are encrypted at rest and never sent back to the browser.
 */
export interface FieldMeta {
  label: string;
  help?: string;
  secret?: boolean;
  placeholder?: string;
  /** Labels for an enum's values, in the enum's order. */
  optionLabels?: Record<string, string>;
  /** The field's options are read from the partner when the form opens (`automationChoices`), under this key. */
  choices?: string;
  /** How a value missing from the choices is refused: «В магазине нет статуса» + « «x»». */
  choicesMissing?: string;
}

/**
 * `statusMap`: our status codes → the partner's values (a record), one row per our status; `multiselect`: a list of
 * the partner's values (choices).
 */
export type FieldType = "text" | "password" | "url" | "number" | "boolean" | "select" | "statusMap" | "multiselect";

/** A form field as the browser renders it, derived from the settings schema (see `fieldsOf`). */
export interface FieldSpec {
  name: string;
  label: string;
  help?: string;
  placeholder?: string;
  type: FieldType;
  required: boolean;
  secret: boolean;
  default?: string | number | boolean;
  options?: { value: string; label: string }[];
  /** See `FieldMeta.choices`. */
  choices?: string;
  choicesMissing?: string;
}

/** The pure half of an integrator: safe for the browser (no I/O, no node:* imports). */
export interface IntegratorSettings<S extends z.ZodObject = z.ZodObject> {
  id: string;
  title: string;
  /** One or two sentences shown above the form. */
  description: string;
  schema: S;
  /** Who owns its integrations (default: a branch). Only branch integrators are offered in the branch's dialog. */
  owner?: "branch" | "client" | "company";
  /** Client integrations: the settings fields the client (or staff) may change under «Автоматизация». */
  automation?: readonly string[];
}

export type ProbeResult =
  | { status: "ok"; message: string }
  /** The partner answered and refused: the message carries the partner's own text. */
  | { status: "error"; message: string }
  /** No usable answer: DNS, refused connection, timeout, TLS, HTTP 5xx, not the expected protocol. */
  | { status: "unreachable"; message: string };

export interface ProbeOptions {
  timeoutMs: number;
  /** This deployment's own MeaSoft-compatible API, the default target of the MeaSoft integrator. */
  selfApiUrl: string;
}

/** The server half: probe and status table. Only `client.ts` files do network I/O. */
export interface IntegratorAdapter<S extends z.ZodObject = z.ZodObject> extends IntegratorSettings<S> {
  /** A harmless authenticated call: creates nothing, charges nothing. */
  probe(settings: z.output<S>, options: ProbeOptions): Promise<ProbeResult>;
  /** Partner status code → ours; `null` = unmapped (to be queued, never dropped silently). */
  mapStatus(code: string): OrderStatus | null;
  // What it can do: optional capabilities, each typed. The exchange engine dispatches on these and never on `id`.
  outbound?: OutboundOrders<z.output<S>>;
  statusSource?: StatusSource<z.output<S>>;
  cancel?: CancelOrders<z.output<S>>;
  print?: PrintDocuments<z.output<S>>;
  /** Deliveries to /api/hooks/<id>/<integration key>: verified and read by the adapter, worked off by the engine. */
  webhook?: WebhookReceiver<z.output<S>>;
  inbound?: InboundOrders<z.output<S>>;
  /** Statuses back to the shop an order came from (`inbound` integrations): the engine says when, the adapter how. */
  statusBack?: StatusBack<z.output<S>>;
  payments?: Payments<z.output<S>>;
  /** The partner's own values the «Автоматизация» form offers (e.g. the shop's statuses), keyed as `FieldMeta.choices`. */
  automationChoices?(settings: z.output<S>, options: ExchangeOptions): Promise<Record<string, FieldChoice[]>>;
}

export interface FieldChoice {
  value: string;
  label: string;
}

/** An order as handed to a partner: our own fields, integrator-neutral. */
export interface OutgoingOrder {
  number: string;
  barcode: string | null;
  sender: {
    company: string | null;
    person: string | null;
    phone: string | null;
    town: string | null;
    address: string | null;
    zip: string | null;
    date: string | null;
    timeMin: string | null;
    timeMax: string | null;
  };
  receiver: {
    company: string | null;
    person: string | null;
    phone: string | null;
    town: string | null;
    regionCode: string | null;
    address: string | null;
    zip: string | null;
    pvz: string | null;
    date: string | null;
    timeMin: string | null;
    timeMax: string | null;
  };
  weight: number;
  quantity: number;
  /** The client card's «Валюта»: what the order's money is in (CDEK: must be the destination country's). */
  clientCurrency: string;
  payType: "CASH" | "CARD" | "NO" | "OTHER";
  serviceCode: number | null;
  codAmount: number;
  declaredValue: number;
  deliveryPrice: number;
  enclosure: string | null;
  instruction: string | null;
  items: {
    name: string;
    article: string | null;
    barcode: string | null;
    quantity: number;
    mass: number | null;
    retailPrice: number;
    vatRate: number | null;
  }[];
  packages: {
    barcode: string | null;
    mass: number | null;
    length: number | null;
    width: number | null;
    height: number | null;
    quantity: number;
    message: string | null;
  }[];
}

/**
 * Per order: the partner took it; took it for processing and tells the result later (`submitted`: by webhook or
 * `resolve`); already had it (its number is taken); or refused it with its own text.
 */
export type SendOutcome =
  | ({ number: string; outcome: "accepted" } & PartnerFacts)
  | ({ number: string; outcome: "submitted" } & PartnerFacts)
  | { number: string; outcome: "duplicate"; message: string }
  | { number: string; outcome: "rejected"; message: string }
  /** This order only did not get through (a rate limit, a timeout): retried with back-off like a failed batch. */
  | { number: string; outcome: "transient"; message: string };

/** What a partner told about one of our orders, kept on its transfer. */
export interface PartnerFacts {
  /** The partner's order number as people use it (CDEK's cdek_number). */
  partnerCode?: string;
  /** The partner's internal id, given before its number (CDEK's entity uuid). */
  partnerRef?: string;
  /** Shown on the order card: packages as sent, their barcodes, COD actually taken; merged into what is kept. */
  details?: Record<string, unknown>;
}

/** One of our orders at a partner, as the engine hands it to the adapter. */
export interface PartnerOrderRef {
  number: string;
  partnerCode: string | null;
  partnerRef?: string | null;
}

export interface PartnerStatusEvent {
  number: string;
  partnerCode?: string;
  /** Facts that came with the status (COD actually taken), merged into the transfer's details. */
  details?: Record<string, unknown>;
  /** The partner's own status code, mapped through the adapter's table. */
  code: string;
  title?: string;
  eventTime?: Date;
  /** The partner's comment on this status; kept with it in the order's history. */
  comment?: string;
}

/** Evidence of one exchange, kept in the sync log. */
export interface Exchange<T> {
  value: T;
  request: string;
  response: string;
}

/** What the engine passes to every exchange call: the probe options and which integration is talking. */
export interface ExchangeOptions extends ProbeOptions {
  integrationId: number;
  /** The integration's access token, shared by every worker (partners with OAuth-style tokens). */
  tokens?: TokenCache;
  /** The address the partner posts webhooks to (unset when this deployment has no public base URL). */
  hookUrl?: string;
  /**
   * During `send`: the partner named its own id for an order; stored at once, before the batch settles, so a webhook
   * that overtakes the batch finds its order.
   */
  onPartnerRef?(number: string, partnerRef: string): Promise<void>;
  /**
   * Waits for the next request slot of a partner gate whose limit holds across all our processes (TopDelivery: 4
   * requests/s per gate). `key` names the gate and account; absent in probes and pure tests (no pacing).
   */
  pace?(key: string, perSecond: number): Promise<void>;
}

export interface IssuedToken {
  token: string;
  expiresInSec: number;
}

/** A partner token cached for all workers; `obtain` runs in one worker at a time and only when needed. */
export interface TokenCache {
  /**
   * A cached token still valid for a while, else a fresh one from `obtain`. `rejected` is a token the partner just
   * refused: it is replaced unless another worker already did.
   */
  get(obtain: () => Promise<IssuedToken>, rejected?: string): Promise<string>;
}

/** An order found at the partner by our number; `submitted` while the partner is still processing it. */
export interface FoundOrder extends PartnerFacts {
  submitted?: boolean;
}

/*
 * Failures are thrown as `PartnerError` (./errors.ts), classified by the adapter: `transient` is retried with
 * back-off, `auth` stops at once and marks the integration unhealthy, `rejected` is final.
 */

/** Hands our orders to the partner. */
export interface OutboundOrders<S = unknown> {
  send(settings: S, orders: OutgoingOrder[], options: ExchangeOptions): Promise<Exchange<SendOutcome[]>>;
  /** Looks an order up by our number: how a retry learns that an earlier attempt did reach the partner. */
  find(settings: S, number: string, options: ExchangeOptions): Promise<Exchange<FoundOrder | null>>;
  /**
   * Whether the partner itself refuses a number it already has (answering `duplicate`). When not, the engine looks
   * every retried order up by our number before sending it again, so a lost answer never makes a second order.
   */
  refusesDuplicates: boolean;
  /** When to ask `resolve` first about a submitted order, if no webhook settled it by then (default: the retry base). */
  firstResolveMs?: number;
  /** For partners that answer `submitted`: how those orders ended (still `submitted` while the partner works). */
  resolve?(settings: S, orders: PartnerOrderRef[], options: ExchangeOptions): Promise<Exchange<SendOutcome[]>>;
  /** One order's hand-over as the sync log shows it (the partner's own request name and address, no credentials). */
  describe(settings: S, order: OutgoingOrder, options: ProbeOptions): string;
  /**
   * True when an order must not go to this partner because it came from it (a client of ours that *is* this partner's
   * account). Reads the stored non-secret settings, so it runs in the queueing transaction without decrypting.
   */
  isLoop?(storedSettings: Record<string, unknown>, client: { partnerExtraCode: number | string | null }): boolean;
}

/** Where the partner's statuses come from. */
export type StatusSource<S = unknown> =
  | {
      /** A change feed: changes since the last acknowledgement; `acknowledge` only after they are committed here. */
      kind: "feed";
      describe: string;
      pollChanges(
        settings: S,
        options: ExchangeOptions,
      ): Promise<Exchange<PartnerStatusEvent[]> & { acknowledge(): Promise<void> }>;
    }
  | {
      /** Asked order by order (the engine passes the orders still on their way). */
      kind: "poll";
      describe: string;
      /** Only orders with no news for this long are asked (a partner that also pushes webhooks); default: all. */
      quietMs?(settings: S): number;
      pollOrders(
        settings: S,
        orders: PartnerOrderRef[],
        options: ExchangeOptions,
      ): Promise<Exchange<PartnerStatusEvent[]>>;
    }
  /** Pushed by the partner's webhook only. */
  | { kind: "webhook" };

export interface CancelOrders<S = unknown> {
  cancel(
    settings: S,
    orders: PartnerOrderRef[],
    options: ExchangeOptions,
  ): Promise<Exchange<{ number: string; ok: boolean; message: string }[]>>;
  /** One cancellation as the sync log shows it. */
  describe(number: string): string;
}

/** A partner's own document: waybill, place labels, a manifest's act or delivery list. */
export type PartnerForm = "waybill" | "label" | "act" | "deliveryList";

export interface PrintDocuments<S = unknown> {
  /** The forms this partner makes (default: waybill and label). */
  forms?: PartnerForm[];
  /** A form for orders at the partner, as a file. */
  print(
    settings: S,
    orders: PartnerOrderRef[],
    form: PartnerForm,
    options: ExchangeOptions,
  ): Promise<{ contentType: string; body: Uint8Array }>;
}

/** One delivery, as the route received it: raw bytes, so a signature over them can be checked. */
export interface WebhookDelivery {
  headers: Headers;
  body: string;
}

/** What a verified delivery says. */
export type WebhookEvent =
  | { kind: "status"; event: PartnerStatusEvent }
  | { kind: "resolved"; outcome: SendOutcome }
  /**
   * «Something changed»: not trusted as such; the engine reads the order back from the partner (verdict, statuses).
   * `claimedCode` is what the notification says the status is: when that is no news for a confirmed order, the
   * read-back is skipped (a false claim costs nothing: quiet orders are polled anyway).
   */
  | { kind: "recheck"; partnerRef: string; claimedCode?: string }
  /** A shop's order changed (client integrations with `inbound`): read again by its id and imported, never as sent. */
  | { kind: "inbound"; partnerOrderId: string };

export interface WebhookReceiver<S = unknown> {
  /**
   * Makes the partner deliver to `options.hookUrl` (idempotent; run when the integration is saved and re-checked
   * periodically). Returns what to keep for `unsubscribe` and a line for the Integration tab.
   */
  subscribe?(settings: S, options: ExchangeOptions): Promise<{ state: Record<string, unknown>; message: string }>;
  unsubscribe?(settings: S, state: Record<string, unknown>, options: ExchangeOptions): Promise<void>;
  /** The partner's signature or shared secret checked; false answers 401 and stores nothing. */
  verify(settings: S, delivery: WebhookDelivery): boolean;
  /** The partner's id of this delivery (a redelivery repeats it) and its events; null when it is not understood. */
  parse(body: string): { id: string; events: WebhookEvent[] } | null;
}

/** One shop order as the engine imports it: the shop's id, our order input (checked by `validateOrder`), its state. */
export interface InboundOrder {
  /** The shop's own id of the order (stable; its number may be shown with a prefix). */
  partnerOrderId: string;
  /** Our order number (the shop's number with the integration's prefix). */
  number: string;
  /** The shop's last change of the order, as the shop wrote it (the sync cursor). */
  updatedAt: string | null;
  /** The shop's status code of the order, for the import's record. */
  shopStatus: string | null;
  /** The order has reached the status that hands it to the courier service. */
  ready: boolean;
  /** The shop gave the order up: cancelled here too. */
  cancelled: boolean;
  /** Our order input, in the shape the XML API's neworder sends to `validateOrder`. */
  order: Record<string, unknown>;
}

/**
 * Shop apps (a client's integration): orders come in from the shop. While the integration's `paused` setting is on
 * («Не передавать заказы»), orders that reach the trigger status are held (listed with the reason), not imported. `fetchOrders` reads the orders changed after
 * `cursor` (null: from the start), one page; the engine stores the returned cursor only after it committed the page.
 */
export interface InboundOrders<S = unknown> {
  fetchOrders(
    settings: S,
    cursor: string | null,
    options: ExchangeOptions,
  ): Promise<Exchange<{ orders: InboundOrder[]; cursor: string | null }>>;
  /** One order read again by the shop's id (a webhook is never trusted as such); null when the shop has none. */
  fetchOrder(settings: S, partnerOrderId: string, options: ExchangeOptions): Promise<Exchange<InboundOrder | null>>;
}

/** One imported order's news for its shop: our status now and where to follow it. */
export interface StatusBackItem {
  partnerOrderId: string;
  /** Our order's id (RetailCRM knows the order by it: the `deliveryId` we answered `save` with). */
  orderId: number;
  /** When the order reached `status`. */
  at: Date;
  /** Our status code (orders.status). */
  status: string;
  /** The barcode, else our number. */
  track: string;
  /** A public tracking page of the order, or the bare track when this deployment has none. */
  trackLink: string;
}

/**
 * Writes our status (and track) back to the shop. `state` is the integration's `partner_state`: what the adapter made
 * at the shop once (a custom status, an order field) is remembered there through `statePatch`. `pushed: false` = the
 * shop has no status for ours (unmapped): nothing was sent. `shopUpdatedAt` = the shop's order version our write made.
 */
export interface StatusBack<S = unknown> {
  push(
    settings: S,
    state: Record<string, unknown>,
    item: StatusBackItem,
    options: ExchangeOptions,
  ): Promise<Exchange<{ pushed: boolean; shopUpdatedAt: string | null }> & { statePatch?: Record<string, unknown> }>;
  /**
   * Partners that take many orders in one call (RetailCRM's tracking): the engine sends up to `batchSize` at once and,
   * when the partner refuses a batch as a whole, retries its orders one by one to find the bad one.
   * `pushed[i]` = false: item i's status is unmapped, nothing was sent for it.
   */
  pushBatch?(settings: S, items: StatusBackItem[], options: ExchangeOptions): Promise<Exchange<{ pushed: boolean[] }>>;
  batchSize?: number;
}

/** One COD order as a payment intermediary gets it: our fields, integrator-neutral. */
export interface PaymentOrder {
  /** Our order's id: the intermediary's upsert key. */
  id: string;
  number: string;
  /** The client's INN, which files the order under the right shop. */
  tin: string;
  createdAt: Date;
  currency: string;
  codAmount: number;
  declaredValue: number;
  deliveryPrice: number;
  /** Who carries it: a partner integrator the order was handed to (with its number), or null = this company. */
  carrier: { integrator: string | null; externalId: string };
  status: string;
  statusAt: Date;
  /** The partner's own last status code, when a partner reported it. */
  partnerStatus: string | null;
  history: { status: string; at: Date }[];
  receiver: {
    name: string | null;
    phone: string | null;
    town: string | null;
    address: string | null;
    zip: string | null;
  };
  items: {
    name: string;
    article: string | null;
    quantity: number;
    price: number;
    weight: number | null;
    vatRate: number | null;
  }[];
}

/** A status (and money) change of an order the intermediary already has. */
export interface PaymentState {
  id: string;
  status: string;
  statusAt: Date;
  codAmount: number;
  partnerStatus: string | null;
}

export interface PaymentResult {
  id: string;
  ok: boolean;
  message: string;
}

/**
 * Payment intermediaries (a company's integration): COD orders go out in full once (again when money or receiver
 * change), status changes as states; per-order refusals inside a successful batch come back one by one.
 */
export interface Payments<S = unknown> {
  upsertOrders(settings: S, orders: PaymentOrder[], options: ExchangeOptions): Promise<Exchange<PaymentResult[]>>;
  updateStates(settings: S, states: PaymentState[], options: ExchangeOptions): Promise<Exchange<PaymentResult[]>>;
  /** Orders per call. */
  batchSize: number;
  /** The two calls as the exchange log names them. */
  callNames: { upsert: string; states: string };
  /** Why an order cannot be filed at all (said on the order without asking the intermediary), or null. */
  cannotSend?(order: { tin: string | null }): string | null;
}
