import type { Digest, Operation, UniformStatus } from "./reference";

/** The stand-in's options, its inspectable state and the records in it (the exported API of `server.ts`). */

/**
 * "500": HTTP 500 with a plain-text body (a proxy's error, not SOAP); "fault": HTTP 500 with a SOAP Server fault;
 * "delay": the answer waits `delayMs` first (a client with a shorter timeout sees a timeout), then the call runs;
 * "drop": the connection is closed without an answer. Nothing is done in "500", "fault" and "drop".
 */
export type FailureKind = "500" | "fault" | "delay" | "drop";

export interface PendingFailure {
  kind: FailureKind;
  operation?: Operation;
  delayMs: number;
}

/** Everything `configure` can change while running. */
export interface PimPayStandInTuning {
  /** Digests a signature may use; the first that verifies wins (default `["sha256"]`). */
  digests: Digest[];
  /** A missing or different `SOAPAction` header is a Client fault (default true). */
  strictSoapAction: boolean;
  /** `testHeaderSignature` with a bad signature: false → `isVerified=false` (default), true → a fault like the rest. */
  strictTestSignature: boolean;
  /** The SDK's SOAP headers `client` and `version` must be present (default false: unconfirmed, note §2.1). */
  requireSoapHeaders: boolean;
  /** `getClient` for an INN never accepted: "fault" (default) or "nil" (`<clientInfo xsi:nil="true"/>`). */
  unknownClient: "fault" | "nil";
  /** `returnUtilization` missing from OrderParams is an order error (default true: the WSDL gives it no minOccurs). */
  requireReturnUtilization: boolean;
  /** A verification settles (matched/discarded) this many ms after it arrives; 0 = only via control (default 5000). */
  verificationDelayMs: number;
}

export interface PimPayStandInOptions extends Partial<PimPayStandInTuning> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** The demo token created at start, without a key (default `pimpay-demo-token`). */
  demoToken?: string;
  /** A public key (PEM) registered for the demo token at start. */
  demoPublicKeyPem?: string;
  /** Extra carrier codes for `getDeliveryServices` and order validation (e.g. our own code once PimPay assigns it). */
  deliveryServices?: { code: string; title: string }[];
  /** Base written into the WSDL's soap:address (default the stand-in's own URL). */
  publicUrl?: string;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

export interface TokenView {
  token: string;
  hasKey: boolean;
  /** SHA-256 of the key's DER (SubjectPublicKeyInfo), hex: which key is registered, without printing it. */
  keyFingerprint?: string;
  keyBits?: number;
  registeredAt?: string;
  clients: number;
  orders: number;
}

export interface ClientRecord {
  tin: string;
  legalEntityName: string;
  shopName: string;
  agreement?: string;
  email?: string;
  mobile?: string;
  extra?: string;
  /** Stand-in values: "new" after acceptClient, "active" for clients made by control (changeable by control). */
  status: string;
  isActive: boolean;
  isMoneyTransferPossible: boolean;
  paymentOrderPurpose: string;
  createdAt: string;
  updatedAt: string;
  /** "soap" (acceptClient) or "control". */
  source: "soap" | "control";
}

export interface HistoryEntry {
  time: string;
  uniformPimpayDeliveryStatus: UniformStatus;
  customDeliveryStatus: string;
  deliveryServiceDeliveryStatus?: string;
  cityCode?: string;
  /** "upsert" = from the order's own history, "state" = from updateStateForOrders. */
  source: "upsert" | "state";
}

/** An order as stored: the fields we check, plus the whole order as a plain object for inspection. */
export interface OrderRecord {
  id: string;
  tin: string;
  shopExternalId?: string;
  createdAt: string;
  currency: string;
  paymentFromRecipient: number;
  declaredOrderCost: number;
  estimatedDeliveryCost?: number;
  /** Latest `cost` from updateStateForOrders, if any. */
  cost?: number;
  deliveryService: string;
  deliveryServiceExternalId: string;
  uniformPimpayDeliveryStatus: UniformStatus;
  customDeliveryStatus: string;
  deliveryServiceDeliveryStatus?: string;
  postId?: string;
  moneyRecipient?: string;
  history: HistoryEntry[];
  itemStates: { id: string; status: string }[];
  historical: boolean;
  upserts: number;
  stateUpdates: number;
  firstSeenAt: string;
  updatedAt: string;
  /** The parsed order element, members by name (arrays as lists). */
  raw: unknown;
}

export interface StateLogEntry {
  at: string;
  token: string;
  id: string;
  tin?: string;
  status: "ok" | "error";
  errorMessage?: string;
  uniformPimpayDeliveryStatus?: string;
  customDeliveryStatus?: string;
  deliveryServiceDeliveryStatus?: string;
  cost?: number;
  time?: string;
}

export interface VerificationRow {
  oid: string;
  ptp: number;
  pfr?: number;
  dc?: number;
  cs?: number;
  ins?: number;
  tsc?: number;
  txs: { val: number; cmt: string }[];
}

export interface VerificationRecord {
  token: string;
  id: string;
  tin: string;
  paymentOrder: { num: number; date: string; sum: number };
  rows: VerificationRow[];
  status: "pending" | "matched" | "discarded";
  errors: string[];
  receivedAt: string;
  settleAt?: string;
  settledAt?: string;
}

export interface CallRecord {
  at: string;
  operation: string;
  token?: string;
  /** The digest the signature verified with; null = not verified; undefined = no signature was checked. */
  signature?: { ok: boolean; digest?: Digest; reason?: string };
  soapHeaders: Record<string, string>;
  outcome: "ok" | "fault" | "injected";
  fault?: string;
}
