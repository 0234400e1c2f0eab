/** Shapes of the RetailCRM stand-in (protocol: /work/shared/protocols/retailcrm.md). */

export type Json = Record<string, unknown>;

export interface RetailCrmStandInTuning {
  /** HMAC secret of the simple connection (§3.2), as the partner cabinet would generate it. */
  simpleConnectionSecret: string;
  /** Our `configUrl` (§3.2 step 2). */
  configUrl?: string;
  /** Our connect page (§3.1 step 1); the stand-in appends `?account=<CRM URL>`. */
  connectUrl?: string;
  /** When set, `integrationCode` in `edit` must equal it (the code registered in the partner cabinet). */
  integrationCode?: string;
  /** Actions `integrations.delivery.actions` must contain *(stand-in)*. */
  requiredDeliveryActions: string[];
  /** Sliding-window limit per API key; null = none (the note documents no limit). */
  rateLimit: { requests: number; windowMs: number } | null;
  /** HTTP status of a rate-limit answer (unconfirmed: 503 or 429). */
  rateLimitStatus: 503 | 429;
  /** Max items per tracking call (Servientrega pushes chunks of 100) *(stand-in)*. */
  trackingMaxItems: number;
  /** Tracking items must name a deliveryId our module returned from `save`. */
  strictDeliveryIds: boolean;
  /** Reference lists are allowed with any of these scopes (unconfirmed which one RetailCRM checks). */
  referenceScopes: string[];
  /** Timeout of each callback to our module. */
  callbackTimeoutMs: number;
}

export interface RetailCrmStandInOptions extends Partial<RetailCrmStandInTuning> {
  port?: number;
  /** Base of account URLs when the stand-in sits behind another address. */
  publicUrl?: string;
  /** API key of the demo account (scopes: all). */
  demoApiKey?: string;
}

export interface ApiKey {
  key: string;
  scopes: string[];
  /** Site codes the key may use; empty = all sites (`access_full`). */
  sites: string[];
  revoked: boolean;
  createdBy: "control" | "simple-connection" | "update-scopes" | "demo";
}

export interface ReferenceItem {
  code: string;
  name: string;
  active: boolean;
  [k: string]: unknown;
}

/** The CRM's order with the delivery part a module fills in (`delivery.data`). */
export interface CrmOrder {
  id: number;
  number: string;
  externalId: string;
  site: string;
  status: string;
  delivery: {
    code: string;
    integrationCode: string;
    cost?: number;
    data: {
      externalId?: string;
      trackNumber?: string;
      status?: string;
      statusUpdatedAt?: string;
      locked?: boolean;
      tariff?: string;
      extraData?: Json;
    };
  };
  /** The last `save` payload the stand-in sent for the order. */
  lastSave?: Json;
  history: { code: string; updatedAt: string; comment?: string }[];
}

export interface StoredModule {
  payload: Json;
  code: string;
  clientId: string;
  baseUrl: string;
  active: boolean;
  freeze: boolean;
  updatedAt: string;
  edits: number;
}

export interface CrmAccount {
  slug: string;
  name: string;
  /** The CRM URL our module stores (`systemUrl`). */
  url: string;
  sites: { code: string; name: string }[];
  keys: ApiKey[];
  modules: Map<string, StoredModule>;
  paymentTypes: ReferenceItem[];
  deliveryTypes: ReferenceItem[];
  statuses: ReferenceItem[];
  stores: ReferenceItem[];
  orders: CrmOrder[];
  /** Forced failures (control): next N tracking calls answer `status`. */
  failTracking: { count: number; status: number };
  /** Forced rate-limit answers for the next N API calls. */
  forceRateLimit: number;
}

export interface TrackingPush {
  at: string;
  account: string;
  subcode: string;
  auth: "header" | "param";
  status: number;
  accepted: boolean;
  items: unknown;
  errorMsg?: string;
  errors?: Record<string, string>;
}

export interface ApiCall {
  at: string;
  account: string;
  method: string;
  path: string;
  auth?: "header" | "param";
  status: number;
  errorMsg?: string;
}

/** One callback the stand-in made to our module, with what it answered. */
export interface CallbackRecord {
  at: string;
  account: string;
  code: string;
  action: string;
  method: "GET" | "POST";
  url: string;
  /** Form fields (POST) or query parameters (GET) as sent; JSON fields as strings. */
  sent: Record<string, string>;
  status: number;
  contentType: string;
  /** Text answer, or base64 when binary. */
  body: string;
  bodyEncoding: "utf8" | "base64";
  json?: unknown;
  error?: string;
}
