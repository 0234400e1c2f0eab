/** Display helpers shared by the cabinet pages; everything shown in Russian conventions. */

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const d = value instanceof Date ? value : new Date(value);
  return d.toLocaleString("ru-RU", {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** A calendar date as stored by PostgreSQL (`YYYY-MM-DD`) or a timestamp, shown as ДД.ММ.ГГГГ. */
export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return "—";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split("-");
    return `${d}.${m}.${y}`;
  }
  const d = value instanceof Date ? value : new Date(value);
  return d.toLocaleDateString("ru-RU");
}

const CURRENCY_SIGNS: Record<string, string> = { RUB: "₽" };

/** Money with two decimals and the currency sign («₽» for roubles, the ISO code otherwise). */
export function formatMoney(
  value: string | number | null | undefined,
  currency: string | null | undefined = "RUB",
): string {
  const n = Number(value ?? 0);
  const text = (Number.isFinite(n) ? n : 0).toLocaleString("ru-RU", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const code = currency ?? "RUB";
  return `${text} ${CURRENCY_SIGNS[code] ?? code}`;
}

/** Weights and quantities come from numeric columns as strings like "1.500"; shown without trailing zeros. */
export function formatNumber(value: string | number | null | undefined, maxDigits = 3): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString("ru-RU", { maximumFractionDigits: maxDigits });
}

/** Numeric column value ("1.500") to an input's text ("1.5"); zero becomes empty so the form stays clean. */
export function numberInputValue(value: string | number | null | undefined, keepZero = false): string {
  if (value === null || value === undefined) return "";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (n === 0 && !keepZero) return "";
  return String(n);
}

export function todayIso(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}
