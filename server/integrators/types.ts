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
}

export type FieldType = "text" | "password" | "url" | "number" | "boolean" | "select";

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
}

/** The pure half of an integrator: safe for the browser (no I/O, no node:* imports). */
export interface IntegratorSettings<S extends z.ZodObject = z.ZodObject> {
  id: string;
  title: string;
  /** One or two sentences shown above the form. */
  description: string;
  schema: S;
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
  /** Present once the integrator can hand orders over and bring statuses back. */
  exchange?: OrderExchange<z.output<S>>;
}

/** An order as handed to a partner: our own fields, integrator-neutral. */
export interface OutgoingOrder {
  number: string;
  barcode: string | null;
  sender: { company: string | null; person: string | null; phone: string | null; town: string | null; address: string | null; zip: string | null; date: string | null; timeMin: string | null; timeMax: string | null };
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
  payType: "CASH" | "CARD" | "NO" | "OTHER";
  serviceCode: number | null;
  codAmount: number;
  declaredValue: number;
  deliveryPrice: number;
  enclosure: string | null;
  instruction: string | null;
  items: { name: string; article: string | null; barcode: string | null; quantity: number; mass: number | null; retailPrice: number; vatRate: number | null }[];
  packages: { barcode: string | null; mass: number | null; length: number | null; width: number | null; height: number | null; quantity: number; message: string | null }[];
}

/** Per order: the partner took it, already had it (its number is taken), or refused it with its own text. */
export type SendOutcome =
  | { number: string; outcome: "accepted"; partnerCode?: string }
  | { number: string; outcome: "duplicate"; message: string }
  | { number: string; outcome: "rejected"; message: string };

export interface PartnerStatusEvent {
  number: string;
  partnerCode?: string;
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

/**
 * Order exchange with a partner. Failures are thrown as `PartnerError` (./errors.ts): `transient` is retried
 * with back-off, `auth` stops at once and marks the integration unhealthy, `rejected` is final.
 */
export interface OrderExchange<S = unknown> {
  send(settings: S, orders: OutgoingOrder[], options: ProbeOptions): Promise<Exchange<SendOutcome[]>>;
  /** Looks an order up by our number: how a retry learns that an earlier attempt did reach the partner. */
  find(settings: S, number: string, options: ProbeOptions): Promise<Exchange<{ partnerCode?: string } | null>>;
  /** Changes since the last acknowledgement; `acknowledge` is called only after they are committed here. */
  pollChanges(settings: S, streamId: number, options: ProbeOptions): Promise<Exchange<PartnerStatusEvent[]> & { acknowledge(): Promise<void> }>;
  cancel(settings: S, orders: { number: string; partnerCode: string | null }[], options: ProbeOptions): Promise<Exchange<{ number: string; ok: boolean; message: string }[]>>;
}
