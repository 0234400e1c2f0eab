import { z } from "zod";
import ru from "zod/v4/locales/ru.js";

/*
 * Request primitives shared by every schemas.ts: values PostgreSQL can actually take, so bad input is refused with a
 * Russian message at the field instead of failing in the database. Pure zod (the browser's forms import these too).
 */

// Messages zod writes itself (a check nobody gave a message) come out in Russian too. In the browser zod must not
// probe for `new Function` (its JIT): the pages' CSP has no 'unsafe-eval', and the probe alone is a violation.
z.config({ ...ru(), jitless: typeof window !== "undefined" });

export const INT32_MAX = 2_147_483_647;

/** Row id of an int4 table (branches, clients, manifests, integrations): positive, at most 2^31-1. */
export const int32Id = (message = "Некорректный идентификатор") =>
  z.number({ error: message }).int(message).positive(message).max(INT32_MAX, message);

/** Row id of a bigint table (orders): positive and exactly representable in JavaScript. */
export const bigId = (message = "Некорректный идентификатор") =>
  z.number({ error: message }).int(message).positive(message);

export const NUL_MESSAGE = "Текст содержит недопустимый символ (NUL)";

/** A string a text column can hold: PostgreSQL refuses the NUL character. */
export const safeString = (message?: string) =>
  z.string(message ? { error: message } : undefined).regex(/^[^\0]*$/, NUL_MESSAGE);

export const DATE_MESSAGE = "Дата в формате ГГГГ-ММ-ДД";
export const NO_SUCH_DATE_MESSAGE = "Такой даты нет: проверьте день, месяц и год (ГГГГ-ММ-ДД)";
const MIN_YEAR = 1900;
const MAX_YEAR = 2999;

/** ГГГГ-ММ-ДД naming a real calendar day between 1900 and 2999 (2026-13-45 is not one). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** A calendar day as ГГГГ-ММ-ДД; `missing` is said when there is no string at all. */
export const isoDate = (message = DATE_MESSAGE, missing = message) =>
  z
    .string({ error: missing })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, message)
    .refine(isCalendarDate, NO_SUCH_DATE_MESSAGE);

export const MIN_TIMESTAMP = new Date(Date.UTC(MIN_YEAR, 0, 1));
export const MAX_TIMESTAMP = new Date(Date.UTC(MAX_YEAR + 1, 0, 1));
const TIMESTAMP_RANGE_MESSAGE = `Дата вне допустимого диапазона (${MIN_YEAR}–${MAX_YEAR} годы)`;

/** A moment (Date or a string JavaScript can read as one), within years PostgreSQL and people agree on. */
export const timestamp = (message = "Некорректная дата и время") =>
  z.coerce
    .date({ error: message })
    .min(MIN_TIMESTAMP, TIMESTAMP_RANGE_MESSAGE)
    .max(MAX_TIMESTAMP, TIMESTAMP_RANGE_MESSAGE);
