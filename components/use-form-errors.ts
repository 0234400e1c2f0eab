"use client";
import { useCallback, useState } from "react";
import type { z } from "zod";
import { type FieldErrors, serverErrors, zodFieldErrors } from "./form-errors";

export const FIX_MARKED_FIELDS = "Исправьте ошибки в отмеченных полях";

/**
 * Validate-then-mutate for every cabinet form: `validate` checks the input with the same zod schema the procedure uses
 * and returns the parsed data (or marks the fields and returns null); `onServerError` shows what the server refused,
 * at the fields when it names them, else in the banner.
 */
export function useFormErrors(options: { onFieldErrors?: (fields: FieldErrors) => void } = {}) {
  const { onFieldErrors } = options;
  const [errors, setErrorsState] = useState<FieldErrors>({});
  const [banner, setBanner] = useState<string | null>(null);

  // Forms with tabs open the first tab that has an error.
  const setErrors = useCallback(
    (fields: FieldErrors) => {
      setErrorsState(fields);
      if (Object.keys(fields).length) onFieldErrors?.(fields);
    },
    [onFieldErrors],
  );

  const validate = useCallback(
    <S extends z.ZodType>(schema: S, input: unknown, extra?: FieldErrors): z.output<S> | null => {
      const parsed = schema.safeParse(input);
      const found: FieldErrors = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)) };
      for (const [k, m] of Object.entries(extra ?? {})) found[k] ??= m;
      if (!parsed.success || Object.keys(found).length) {
        setErrors(found);
        setBanner(FIX_MARKED_FIELDS);
        return null;
      }
      setErrors({});
      setBanner(null);
      return parsed.data;
    },
    [setErrors],
  );

  const onServerError = useCallback(
    (e: unknown) => {
      const info = serverErrors(e);
      setErrors(info.fields);
      setBanner(Object.keys(info.fields).length ? FIX_MARKED_FIELDS : info.message);
    },
    [setErrors],
  );

  /** Drops one field's error once the user edits it. */
  const clearError = useCallback((key: string) => {
    setErrorsState((e) => {
      if (!(key in e)) return e;
      const { [key]: _drop, ...rest } = e;
      return rest;
    });
  }, []);

  return { errors, setErrors, banner, setBanner, validate, onServerError, clearError };
}
