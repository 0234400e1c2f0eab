import { and, eq, like, or, sql, type SQL } from "drizzle-orm";
import { addressSearchText, orders, phoneDigits, receiverSearchText } from "@/db/schema";
import type { SearchKind } from "./schemas";

// The order list's search. Every condition is written exactly as an index of db/schema/orders.ts is defined (pg_trgm
// GIN on folded text, the phone's digits), so PostgreSQL answers from the index instead of scanning the company.
// Trigrams need three characters: a shorter number is matched by its beginning (the btree index), as before.

const MIN_PART = 3;
/** An auto-detected phone needs this many digits: fewer is more likely a number or a house. */
const MIN_PHONE_DIGITS = 5;

/** Lower case and ё → е, as `search_fold` in SQL does to the stored text. */
export const fold = (s: string) => s.toLowerCase().replace(/ё/g, "е");
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const contains = (s: string) => `%${escapeLike(s)}%`;

/** What was typed looks like a phone: digits with the usual + ( ) - . and spaces, nothing else. */
const PHONE_CHARS = /^[\d\s()+\-.]+$/;

/**
 * The phone's digits as stored phones are matched: «+7 (912) 345-67-89», «89123456789» and «9123456789» all become
 * 9123456789 (a Russian 11-digit number loses its 7 or 8), so each finds +79123456789 and 8 912 345-67-89 alike.
 */
export function phoneQuery(text: string): string | null {
  if (!PHONE_CHARS.test(text)) return null;
  const digits = text.replace(/\D/g, "");
  if (digits.length === 11 && (digits[0] === "7" || digits[0] === "8")) return digits.slice(1);
  return digits || null;
}

const words = (text: string) =>
  fold(text)
    .split(/[\s,;]+/)
    .filter(Boolean);

function numberPart(text: string): SQL {
  if (text.length < MIN_PART) return like(orders.number, `${escapeLike(text)}%`);
  return sql`search_fold(${orders.number}) like ${contains(fold(text))}`;
}

function barcodePart(text: string): SQL {
  if (text.length < MIN_PART) return eq(orders.barcode, text);
  return sql`search_fold(${orders.barcode}) like ${contains(fold(text))}`;
}

/**
 * Every word somewhere in the text (any order): «Иванова Анна», «Ленина 12 Казань». A word shorter than a trigram must
 * start a word there (« 12» in «д. 12»): that gives the index trigrams to narrow by instead of rechecking every row.
 */
function allWords(expr: SQL, text: string): SQL | undefined {
  const ws = words(text);
  if (!ws.length) return undefined;
  return and(...ws.map((w) => sql`${expr} like ${w.length < MIN_PART ? `% ${escapeLike(w)}%` : contains(w)}`));
}

function phonePart(text: string, minDigits: number): SQL | undefined {
  const digits = phoneQuery(text);
  if (!digits || digits.length < minDigits) return undefined;
  return sql`${phoneDigits(orders)} like ${contains(digits)}`;
}

/** The search as one condition on `orders`, or undefined when nothing can match (e.g. letters in a phone search). */
export function searchCondition(text: string, kind: SearchKind = "all"): SQL {
  const nothing = sql`false`;
  switch (kind) {
    case "number":
      return numberPart(text);
    case "barcode":
      return barcodePart(text);
    case "receiver":
      return allWords(receiverSearchText(orders), text) ?? nothing;
    case "address":
      return allWords(addressSearchText(orders), text) ?? nothing;
    case "phone":
      return phonePart(text, 1) ?? nothing;
    case "all": {
      // Guessed from the text, so that only the likely indexes are read: digits are a phone, a number or a barcode
      // («12» is in every street); one token with a digit («B-7777») a number or a barcode; words are names and
      // addresses (and a number or a barcode when it is a single Latin word, e.g. «ORD»).
      if (PHONE_CHARS.test(text))
        return or(numberPart(text), barcodePart(text), phonePart(text, MIN_PHONE_DIGITS)) ?? nothing;
      const ws = words(text);
      if (ws.length === 1 && /\d/.test(text)) return or(numberPart(text), barcodePart(text)) ?? nothing;
      const latinWord = ws.length === 1 && /^[\x20-\x7e]+$/.test(text);
      return (
        or(
          allWords(receiverSearchText(orders), text),
          allWords(addressSearchText(orders), text),
          latinWord ? numberPart(text) : undefined,
          latinWord ? barcodePart(text) : undefined,
        ) ?? nothing
      );
    }
  }
}
