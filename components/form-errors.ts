import { errorInfo } from "./errors";

export type FieldErrors = Record<string, string[]>;

export { zodFieldErrors } from "@/server/services/errors";

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
