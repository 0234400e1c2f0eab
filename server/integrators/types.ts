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
}
