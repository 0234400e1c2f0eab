import type { ZodError } from "zod";
import { errorInfo } from "./errors";

export type FieldErrors = Record<string, string[]>;

/** Zod issues keyed by their dotted path ("receiver.phone", "items.0.name"), the same keys the server sends. */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) (out[issue.path.map(String).join(".") || "_"] ??= []).push(issue.message);
  return out;
}

/** Server error of a mutation as a banner message plus field errors for the form. */
export function serverErrors(error: unknown): { message: string | null; fields: FieldErrors } {
  return errorInfo(error);
}

/** First message for a field, or for any nested path under it (for errors of a whole row). */
export function firstError(errors: FieldErrors, key: string): string | undefined {
  return errors[key]?.[0];
}

export function hasErrorsUnder(errors: FieldErrors, prefixes: string[]): boolean {
  return Object.keys(errors).some((k) => prefixes.some((p) => k === p || k.startsWith(`${p}.`)));
}
