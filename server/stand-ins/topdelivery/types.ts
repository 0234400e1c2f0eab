import type { Operation, WorkStatusId } from "./reference";

/** The stand-in's options, its inspectable state and the records in it (the exported API of `server.ts`). */

/** A login/password pair: the gate's HTTP Basic user or a shop account of the inner `auth` block. */
export interface TopDeliveryCredentials {
  login: string;
  password: string;
}

/**
 * "500": HTTP 500 with a SOAP Server fault, nothing done; "drop": the connection is closed without an answer,
 * nothing done; "drop-after": the request is carried out, then the connection is closed (the answer is lost).
 */
export type FailureKind = "500" | "drop" | "drop-after";

/** Everything that can be changed while the stand-in runs (`configure`). */
export interface TopDeliveryStandInTuning {
  /** SOAP requests per second per Basic-auth user (both gates together); above it the answer is HTTP 429. */
  rateLimitRps: number;
  /** How long every SOAP answer waits before the work is done: a random delay in [min, max] ms. */
  answerDelayMs: [number, number];
  /** Every this many ms each unfinished order moves one step on; 0 = only by `advance()` / `setStatus()`. */
  advanceEveryMs: number;
  /** Orders in one addOrders call above which the whole call is refused. */
  maxOrdersPerCall: number;
  /** A SOAP request whose SOAPAction header is missing or not the operation's is answered with a fault. */
  strictSoapAction: boolean;
}

export interface TopDeliveryStandInOptions extends Partial<Omit<TopDeliveryStandInTuning, "answerDelayMs">> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Shop accounts for the inner `auth` block (default: DEMO_ACCOUNT). */
  accounts?: TopDeliveryCredentials[];
  /** Gate users for HTTP Basic auth (default: DEMO_GATE_USER); `false` turns the Basic check off. */
  basicAuth?: TopDeliveryCredentials | TopDeliveryCredentials[] | false;
  /** Target namespace of the webshop gate's WSDL (default `urn:kh-standin:topdelivery:w2`). */
  namespace?: string;
  /** Target namespace of the print gate's WSDL (default `urn:kh-standin:topdelivery:print2`). */
  printNamespace?: string;
  /** Base written into the WSDLs' soap:address and into reportUrl (default: the stand-in's own http://127.0.0.1:port). */
  publicUrl?: string;
  /** A number or a [min, max] pair, ms. */
  answerDelayMs?: number | [number, number];
}

export interface StatusRef {
  id: number;
  name: string;
}

export interface OrderEvent {
  date: string;
  status: StatusRef;
  workStatus: StatusRef;
  comment: string;
}

export interface DenyParams {
  /** FULL for a refusal (work status 5), PARTIAL for a partly delivered order (4). */
  type: "FULL" | "PARTIAL";
  reason: StatusRef;
}

/** A parsed request element: strings, nested records and lists (repeated elements). */
export type XmlValue = string | XmlRecord | XmlValue[];
export interface XmlRecord {
  [key: string]: XmlValue;
}

export interface StoredOrder {
  /** The shop account (inner auth login) that created it. */
  account: string;
  orderId: number;
  barcode: string;
  webshopNumber: string;
  /** The `addedOrders` element as sent. */
  body: XmlRecord;
  dateCreate: string;
  status: StatusRef;
  workStatus: StatusRef;
  denyParams?: DenyParams;
  /** Oldest first. */
  events: OrderEvent[];
  /** Roubles the recipient paid (set when the order reaches a final work status). */
  clientPaid: number;
  deleted: boolean;
}

/** An order as the control calls show it. */
export interface TopDeliveryOrderView {
  account: string;
  orderId: number;
  barcode: string;
  webshopNumber: string;
  status: StatusRef;
  workStatus: StatusRef;
  denyParams?: DenyParams;
  events: OrderEvent[];
  clientFullCost: number;
  clientPaid: number;
  deleted: boolean;
}

export interface SetStatusInput {
  orderId?: number;
  webshopNumber?: string;
  barcode?: string;
  /** Work status 1–5; with no statusId the usual order status for it is used. */
  workStatus?: WorkStatusId;
  /** An order status id; any id is allowed (unknown ones need statusName), to test unmapped codes. */
  statusId?: number;
  statusName?: string;
  /** Refusal reason 1–11 for work status 5 (default 7 «Другое») or 4. */
  reasonId?: number;
  comment?: string;
}

export interface StandInCounters {
  /** SOAP requests by operation name (unknown ones by their element name). */
  requests: Record<string, number>;
  wsdlRequests: number;
  reportDownloads: number;
  /** Answered 401: no or wrong HTTP Basic credentials. */
  unauthorized: number;
  /** Answered with requestResult status 1: wrong inner auth. */
  authErrors: number;
  /** Answered 429: over rateLimitRps. */
  rateLimited: number;
  /** The most SOAP requests one Basic user made within any 1-second window (refused ones included). */
  peakRps: number;
  injectedFailures: number;
  faults: number;
  ordersCreated: number;
  ordersRefused: number;
  ordersDeleted: number;
  statusChanges: number;
}

export interface PendingFailure {
  kind: FailureKind;
  /** Only a request for this operation takes it; any SOAP request when absent. */
  operation?: Operation;
}

export interface TopDeliveryStandInState {
  tuning: TopDeliveryStandInTuning;
  /** Shop login → password. */
  accounts: Map<string, string>;
  /** Gate login → password; empty when Basic auth is off. */
  gateUsers: Map<string, string>;
  /** By orderId. */
  orders: Map<number, StoredOrder>;
  /** Report id → PDF. */
  reports: Map<string, Buffer>;
  failures: PendingFailure[];
  counters: StandInCounters;
}
