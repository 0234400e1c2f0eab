import type { PrintKind } from "./print";
import type { CdekStatusCode } from "./reference";
import type { CdekErrorItem, JsonObject } from "./validation";

/** The stand-in's options, its inspectable state and the records in it (the exported API of `server.ts`). */

export interface CdekAccount {
  account: string;
  secure: string;
}

/** Everything that can be changed while the stand-in runs (`configure`). */
export interface CdekStandInTuning {
  /** Lifetime of issued tokens, seconds. */
  tokenTtlSec: number;
  /** How long POST /v2/orders takes to answer: a random delay in [min, max] ms. */
  createDelayMs: [number, number];
  /** After this many ms an ACCEPTED create (and a DELETE) request gets its verdict. */
  validateDelayMs: number;
  /** After this many ms a print job is READY (PROCESSING at half of it). */
  printDelayMs: number;
  /** Requests to /v2 per second above which the answer is 429. */
  rateLimitRps: number;
  /** Fraction 0..1 of webhook deliveries silently not sent. */
  loseWebhooks: number;
  /** How long a webhook delivery may take before it counts as failed (CDEK: 15 s). */
  webhookTimeoutMs: number;
}

export interface CdekStandInOptions extends Partial<CdekStandInTuning> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  accounts?: CdekAccount[];
}

export type RequestState = "ACCEPTED" | "WAITING" | "SUCCESSFUL" | "INVALID";

export interface CdekRequestRecord {
  request_uuid: string;
  type: "CREATE" | "DELETE";
  state: RequestState;
  date_time: string;
  errors?: CdekErrorItem[];
}

export interface OrderStatusRecord {
  code: CdekStatusCode;
  name: string;
  date_time: string;
  city: string;
  city_code?: number;
  reason_code?: string;
}

export interface PaymentInfo {
  type: "CASH" | "CARD";
  sum: number;
}

export interface StoredOrder {
  account: string;
  uuid: string;
  /** The create request exactly as sent. */
  body: JsonObject;
  cdekNumber?: string;
  /** The request's packages; `barcode` and `package_id` are added on SUCCESSFUL. */
  packages: JsonObject[];
  /** Oldest first; answers show them newest first. */
  statuses: OrderStatusRecord[];
  requests: CdekRequestRecord[];
  deliveryDetail?: { payment_sum: number; payment_info: PaymentInfo[] };
  inRegistry: boolean;
}

/** An order as `GET /v2/orders…` answers it. */
export interface CdekOrderView {
  entity: JsonObject;
  requests: CdekRequestRecord[];
  related_entities: unknown[];
}

export interface IssuedToken {
  account: string;
  jti: string;
  expiresAt: number;
}

export interface WebhookSubscription {
  uuid: string;
  account: string;
  type: string;
  url: string;
}

export interface WebhookDelivery {
  subscription: string;
  url: string;
  body: JsonObject;
  outcome: "delivered" | "failed" | "lost";
  httpStatus?: number;
  error?: string;
}

export interface PrintJob {
  uuid: string;
  account: string;
  kind: PrintKind;
  /** The request's fields (orders, copy_count, type / format, lang). */
  request: JsonObject;
  statuses: { code: "ACCEPTED" | "PROCESSING" | "READY" | "INVALID"; name: string; date_time: string }[];
  requests: CdekRequestRecord[];
  url?: string;
}

export interface CdekRegistryOrder {
  cdek_number: string;
  transfer_sum: number;
  payment_sum: number;
  total_sum_without_agent: number;
  agent_commission_sum: number;
}

export interface CdekRegistry {
  registry_number: number;
  payment_date: string;
  sum: number;
  payment_order_number: number;
  orders: CdekRegistryOrder[];
}

export interface StoredRegistry {
  account: string;
  /** The day `GET /v2/registries?date=` finds it under. */
  date: string;
  registry: CdekRegistry;
}

export interface StandInCounters {
  ordersCreated: number;
  tokenRequests: number;
  /** Requests to /v2 by route, e.g. `"POST /v2/orders"`, `"GET /v2/orders/{uuid}"`. */
  requests: Record<string, number>;
  rateLimited: number;
  injectedFailures: number;
  webhooksDelivered: number;
  webhooksFailed: number;
  webhooksLost: number;
}

export interface CdekStandInState {
  tuning: CdekStandInTuning;
  accounts: Map<string, string>;
  tokens: Map<string, IssuedToken>;
  orders: Map<string, StoredOrder>;
  webhooks: Map<string, WebhookSubscription>;
  /** Settled deliveries, newest last; only the last 1 000 are kept. */
  webhookDeliveries: WebhookDelivery[];
  printJobs: Map<string, PrintJob>;
  registries: StoredRegistry[];
  counters: StandInCounters;
}

export interface SetStatusInput {
  uuid?: string;
  cdekNumber?: string;
  code: CdekStatusCode;
  /** Appendix 2 reason, e.g. "11" (refused) with NOT_DELIVERED. */
  reasonCode?: string | number;
  /** Where it happened; by default the sender's or the recipient's city, as the status implies. */
  city?: string;
  /** With DELIVERED: the COD actually taken (partial delivery); by default the order's whole COD. */
  paymentSum?: number;
  paymentType?: PaymentInfo["type"];
}

export interface RegistryInput {
  account?: string;
  date: string;
  registry_number?: number;
  payment_date?: string;
  /** By default the sum of the orders' transfer_sum. */
  sum?: number;
  payment_order_number?: number;
  orders: CdekRegistryOrder[];
}
