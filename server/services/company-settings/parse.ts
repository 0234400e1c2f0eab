import type { z } from "zod";
import { ValidationError, zodFieldErrors } from "../errors";

/** Parses a form's input for any door: a refusal is a ValidationError carrying every field's message. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new ValidationError(r.error.issues[0]?.message ?? "Некорректные данные", zodFieldErrors(r.error));
}
