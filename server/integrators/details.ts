/**
 * What adapters keep in a transfer's details (`PartnerFacts.details`), as the order card names it. Browser-safe;
 * a key missing here is shown under its own name rather than hidden.
 */
export const PARTNER_DETAIL_LABELS: Readonly<Record<string, string>> = {
  sentAs: "Передано",
  cdekNumberSent: "Номер, под которым передан",
  barcode: "Штрихкод партнёра (на наклейки)",
  barcodes: "Штрихкоды мест у партнёра",
  webshopNumber: "Номер магазина у партнёра",
  paymentSum: "Наложенный платёж получен партнёром",
};

/** Details as label–text pairs for the card, in the order above, then any others. */
export function partnerDetailRows(details: Record<string, unknown> | null | undefined): [string, string][] {
  if (!details) return [];
  const keys = [
    ...Object.keys(PARTNER_DETAIL_LABELS).filter((k) => k in details),
    ...Object.keys(details).filter((k) => !(k in PARTNER_DETAIL_LABELS)),
  ];
  return keys
    .map((k): [string, string] => {
      const v = details[k];
      const text = Array.isArray(v) ? v.join(", ") : v === null || v === undefined ? "" : String(v);
      return [PARTNER_DETAIL_LABELS[k] ?? k, text];
    })
    .filter(([, text]) => text !== "");
}
