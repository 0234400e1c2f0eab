/** The InSales stand-in's options, its inspectable state and the records in it (the exported API of `server.ts`). */

export const FULFILLMENT_STATUSES = ["new", "accepted", "approved", "dispatched", "delivered", "declined", "returned"];
export type FulfillmentStatus = "new" | "accepted" | "approved" | "dispatched" | "delivered" | "declined" | "returned";
export type FinancialStatus = "pending" | "paid";
export type WebhookTopic = "orders/create" | "orders/update" | "orders/destroy";
/** Which formula signs the autologin redirect (notes §4): the doc's full one, the official gem's, the doc's short one. */
export type AutologinSignature = "full" | "gem" | "short";

/** Our app as registered in the partner cabinet (notes §1). */
export interface InSalesAppUrls {
  install: string;
  uninstall: string;
  login: string;
}

/** Everything that can be changed while the stand-in runs (`configure`). */
export interface InSalesStandInTuning {
  /** REST requests admitted per shop in any sliding window of `windowMs`; above it: 503 + Retry-After. */
  rateLimit: { requests: number; windowMs: number };
  /** Fraction 0..1 of webhook deliveries silently dropped. */
  loseWebhooks: number;
  /** Fraction 0..1 of (not lost) webhook deliveries sent twice. */
  duplicateWebhooks: number;
  /** The autologin signature formula and the query parameter that carries it. */
  autologinSignature: AutologinSignature;
  autologinParam: "token" | "token3";
  /** Default `per_page` of list endpoints (the maximum is 250). */
  defaultPerPage: number;
}

export interface InSalesStandInOptions extends Partial<InSalesStandInTuning> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Our app identifier: the Basic-auth login and the `{app_identifier}` of the autologin path (default `kurier-hub`). */
  appId?: string;
  /** Our app secret: password = MD5(token + secret) (default `kh-insales-secret`). */
  appSecret?: string;
  /** Our app's install, uninstall and login URLs; can also be set later with `configure({ appUrls })`. */
  appUrls?: Partial<InSalesAppUrls>;
  /** Base of the shops' admin as our app should see it (default: the stand-in's own http://127.0.0.1:port). */
  publicUrl?: string;
  /** Random source deciding which webhooks are lost or duplicated (tests pass a deterministic one). */
  random?: () => number;
  /** Clock for created_at/updated_at, ms since epoch (tests freeze it to make equal timestamps). */
  now?: () => number;
}

export interface InSalesUser {
  id: number;
  email: string;
  name: string;
}

export interface InSalesShop {
  insalesId: number;
  /** The `*.myinsales.ru` host sent as `shop`. */
  host: string;
  title: string;
  users: InSalesUser[];
  installed: boolean;
  /** The one-time token of the last install and the password derived from it (MD5(token + secret)). */
  token?: string;
  password?: string;
  /** Base URL of this shop's admin on the stand-in: `<publicUrl>/shops/<host>` (REST: `<apiBase>/admin/orders.json`). */
  apiBase: string;
}

export interface CustomStatus {
  permalink: string;
  title: string;
  system_status: FulfillmentStatus;
  /** true for the seven built-in ones (one per fulfillment_status; permalink = the system status). */
  is_system: boolean;
}

export interface OrderField {
  id: number;
  type: string;
  office_title: string;
  title: string;
  handle: string;
  destiny: number;
  created_at: string;
}

export interface FieldValue {
  id: number;
  field_id: number;
  handle: string;
  name: string;
  value: string | null;
}

export interface OrderLine {
  id: number;
  variant_id: number | null;
  product_id: number | null;
  sku: string | null;
  title: string;
  quantity: number;
  sale_price: string;
  full_sale_price: string;
  weight: string | null;
}

export interface Client {
  id: number;
  name: string;
  surname: string | null;
  middlename: string | null;
  phone: string | null;
  email: string | null;
}

export interface ShippingAddress {
  id: number;
  full_name: string;
  name: string;
  surname: string | null;
  middlename: string | null;
  phone: string | null;
  country: string;
  state: string | null;
  city: string;
  zip: string | null;
  street: string | null;
  house: string | null;
  flat: string | null;
  address: string;
  full_delivery_address: string;
  fields_values: FieldValue[];
}

/** An order exactly as `GET /admin/orders/{id}.json` and the webhooks give it (money as decimal strings). */
export interface InSalesOrder {
  id: number;
  number: number;
  key: string;
  created_at: string;
  updated_at: string;
  total_price: string;
  items_price: string;
  delivery_price: string;
  full_delivery_price: string;
  delivery_variant_id: number | null;
  delivery_title: string | null;
  delivery_description: string | null;
  delivery_date: string | null;
  delivery_from_hour: number | null;
  delivery_to_hour: number | null;
  delivery_interval: { from_hour: number; to_hour: number; description: string } | null;
  delivery_info: Record<string, unknown> | null;
  payment_gateway_id: number | null;
  payment_title: string | null;
  financial_status: FinancialStatus;
  fulfillment_status: FulfillmentStatus;
  custom_status: { permalink: string; title: string; system_status: FulfillmentStatus };
  comment: string | null;
  manager_comment: string | null;
  client: Client;
  shipping_address: ShippingAddress;
  order_lines: OrderLine[];
  fields_values: FieldValue[];
}

export interface Webhook {
  id: number;
  address: string;
  topic: WebhookTopic;
  format_type: "json" | "xml";
  created_at: string;
  updated_at: string;
}

/** One attempt to deliver a webhook (a duplicate is a second record with `duplicate: true`). */
export interface WebhookDelivery {
  webhookId: number;
  shop: string;
  topic: WebhookTopic;
  orderId: number;
  address: string;
  lost: boolean;
  duplicate: boolean;
  /** HTTP status of the receiver's answer; undefined when lost or the request failed. */
  status?: number;
  error?: string;
}

/** Something our app wrote to an order through the REST API (PUT /admin/orders/{id}.json). */
export interface OrderWrite {
  shop: string;
  orderId: number;
  at: string;
  body: Record<string, unknown>;
}

/** One hop of a back-office flow (install, uninstall, autologin) as a browser or InSales' servers made it. */
export interface Hop {
  method: "GET";
  url: string;
  status: number;
  location?: string;
  /** true when the stand-in answered it itself (InSales' own autologin endpoint). */
  servedByStandIn: boolean;
}

export interface CallResult {
  url: string;
  status: number;
  body: string;
  installed: boolean;
  token: string;
  password?: string;
}

export interface OpenAppResult {
  /** The URL of the first non-redirect answer (our cabinet's page) and its status. */
  finalUrl: string;
  status: number;
  body: string;
  hops: Hop[];
  /** What the stand-in's autologin endpoint signed, when the flow reached it. */
  autologin?: { nonce: string; signature: string; param: string; formula: AutologinSignature; user: InSalesUser };
}

export interface StandInCounters {
  /** REST requests by `METHOD /admin/<resource>` (ids replaced by `{id}`), admitted ones. */
  requests: Record<string, number>;
  unauthorized: number;
  rateLimited: number;
  /** Highest number of admitted requests of one shop within a window. */
  peakUsage: number;
  installCalls: number;
  uninstallCalls: number;
  autologins: number;
  webhooksSent: number;
  webhooksLost: number;
  webhooksDuplicated: number;
  webhookFailures: number;
}

export interface CreateShopInput {
  insalesId?: number;
  host?: string;
  title?: string;
  users?: { id?: number; email: string; name: string }[];
}

/** Control input for an order: the JSON's own names; money as numbers or strings; missing parts get demo values. */
export interface OrderInput {
  shop: string | number;
  number?: number;
  financial_status?: FinancialStatus;
  fulfillment_status?: FulfillmentStatus;
  /** A custom status permalink; its system status becomes the fulfillment_status. */
  custom_status?: string;
  client?: Partial<Omit<Client, "id">>;
  shipping_address?: Partial<Omit<ShippingAddress, "id" | "fields_values">>;
  order_lines?: {
    title: string;
    quantity?: number;
    sale_price: number | string;
    sku?: string;
    weight?: number | string;
    variant_id?: number;
  }[];
  delivery_date?: string | null;
  delivery_from_hour?: number | null;
  delivery_to_hour?: number | null;
  delivery_price?: number | string;
  delivery_title?: string;
  delivery_description?: string;
  delivery_variant_id?: number;
  delivery_info?: Record<string, unknown> | null;
  payment_title?: string;
  payment_gateway_id?: number;
  comment?: string | null;
  manager_comment?: string | null;
}

export type OrderPatch = Partial<Omit<OrderInput, "shop" | "number">>;

export interface InSalesStandInState {
  shops: InSalesShop[];
  tuning: InSalesStandInTuning;
  appUrls: Partial<InSalesAppUrls>;
  deliveries: WebhookDelivery[];
  writes: OrderWrite[];
  counters: StandInCounters;
}
