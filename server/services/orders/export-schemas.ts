import { z } from "zod";
import { listOrdersSchema } from "./schemas";

// Pure zod, no database imports: the orders page builds the download link from the same names.

export const EXPORT_FORMATS = ["xlsx", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** «Скачать xlsx / csv»: the list's filter and order, without paging. */
export const exportOrdersSchema = listOrdersSchema
  .omit({ cursor: true, limit: true })
  .extend({ format: z.enum(EXPORT_FORMATS, { error: "Формат: xlsx или csv" }).default("xlsx") });

export type ExportOrdersInput = z.input<typeof exportOrdersSchema>;

/**
 * The orders page's URL parameters (status, client, from, to, q, kind, received, transfer, cod, sort, dir) as the
 * export's input: the download link is the page's own query string plus `format`. Validated by exportOrdersSchema.
 */
export function exportInputOf(params: URLSearchParams): ExportOrdersInput {
  const get = (k: string) => params.get(k) ?? undefined;
  const flag = (k: string) => (params.get(k) === "1" ? true : undefined);
  const client = get("client");
  return {
    format: get("format") as ExportOrdersInput["format"],
    status: get("status") as ExportOrdersInput["status"],
    clientId: client === undefined ? undefined : Number(client),
    dateFrom: get("from"),
    dateTo: get("to"),
    search: get("q"),
    searchKind: get("kind") as ExportOrdersInput["searchKind"],
    received: flag("received"),
    transfer: get("transfer") as ExportOrdersInput["transfer"],
    codPending: flag("cod"),
    sort: get("sort") as ExportOrdersInput["sort"],
    dir: get("dir") as ExportOrdersInput["dir"],
  };
}
