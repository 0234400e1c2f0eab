import { z } from "zod";
import { bigId, int32Id } from "../primitives";

/*
 * Our own documents, made on the server as PDF: package labels (one per place), an order's waybill, a manifest's
 * act. Pure zod (the cabinet's links and pickers import these too).
 */

export const DOCUMENT_KINDS = ["labels", "waybill", "act"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  labels: "Этикетки",
  waybill: "Накладная",
  act: "Акт приёма-передачи",
};

export const LABEL_FORMATS = ["58x40", "100x100", "a4"] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];

export const LABEL_FORMAT_TITLES: Record<LabelFormat, string> = {
  "58x40": "58 × 40 мм",
  "100x100": "100 × 100 мм",
  a4: "A4, 8 на листе",
};

export const DEFAULT_LABEL_FORMAT: LabelFormat = "100x100";

/** Orders one selection may print: a longer list is split by the person, not by the server. */
export const MAX_ORDER_IDS = 5_000;
/** Labels one file may hold (an order may have up to 1,000 places). */
export const MAX_LABELS = 20_000;

const n = (v: number) => v.toLocaleString("ru-RU").replace(/\s/g, " ");
export const TOO_MANY_ORDERS = (count: number) =>
  `В одном файле не больше ${n(MAX_ORDER_IDS)} заказов, выбрано ${n(count)}: разбейте печать на части`;

const ID = "Некорректный номер заказа";

export const documentRequestSchema = z
  .object({
    kind: z.enum(DOCUMENT_KINDS, { error: "Документ: labels (этикетки), waybill (накладная) или act (акт)" }),
    format: z.enum(LABEL_FORMATS, { error: "Формат этикеток: 58x40, 100x100 или a4" }).optional(),
    orderId: bigId(ID).optional(),
    manifestId: int32Id("Некорректный номер манифеста").optional(),
    orderIds: z
      .array(bigId(ID))
      .min(1, "Выберите хотя бы один заказ")
      .superRefine((ids, ctx) => {
        if (ids.length > MAX_ORDER_IDS) ctx.addIssue({ code: "custom", message: TOO_MANY_ORDERS(ids.length) });
      })
      .optional(),
  })
  .superRefine((r, ctx) => {
    const targets = [r.orderId, r.manifestId, r.orderIds].filter((v) => v !== undefined).length;
    if (targets !== 1)
      ctx.addIssue({ code: "custom", path: ["orderId"], message: "Укажите один заказ, манифест или список заказов" });
    if (r.kind === "act" && r.manifestId === undefined)
      ctx.addIssue({ code: "custom", path: ["manifestId"], message: "Акт приёма-передачи печатается по манифесту" });
    if (r.format !== undefined && r.format !== "a4" && r.kind !== "labels")
      ctx.addIssue({ code: "custom", path: ["format"], message: "Накладная и акт печатаются только на A4" });
  })
  .transform((r) => ({
    ...r,
    format: r.format ?? (r.kind === "labels" ? DEFAULT_LABEL_FORMAT : "a4"),
    orderIds: r.orderIds && [...new Set(r.orderIds)],
  }));

export type DocumentRequest = z.output<typeof documentRequestSchema>;

/**
 * A request as a query string (or a form) carries it: `orderIds=1,2,3` (or repeated `orderIds`), numbers as text.
 * What is not a number stays as it is, so the schema names the field in its message.
 */
export function documentRequestOf(params: URLSearchParams) {
  const num = (name: string) => {
    const v = params.get(name);
    return v === null || v.trim() === "" ? undefined : /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  };
  const list = params
    .getAll("orderIds")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    kind: params.get("kind") ?? undefined,
    format: params.get("format") || undefined,
    orderId: num("orderId"),
    manifestId: num("manifestId"),
    orderIds: params.has("orderIds") ? list.map((v) => (/^\d+$/.test(v) ? Number(v) : v)) : undefined,
  };
}

export type DocumentTarget = { orderId: number } | { manifestId: number } | { orderIds: number[] };

/** The route's address for a document; a long selection goes as a form (`documentForm`) instead. */
export function documentHref(kind: DocumentKind, target: DocumentTarget, format?: LabelFormat) {
  const q = new URLSearchParams({ kind });
  if (format) q.set("format", format);
  if ("orderId" in target) q.set("orderId", String(target.orderId));
  else if ("manifestId" in target) q.set("manifestId", String(target.manifestId));
  else q.set("orderIds", target.orderIds.join(","));
  return `/api/documents?${q}`;
}
