"use client";
import { useState } from "react";
import type { z } from "zod";
import type { FieldErrors } from "./form-errors";
import { useFormErrors } from "./use-form-errors";

/** What a page's server action answers: done, or refused with the fields it names and a message for the banner. */
type ActionResult = { ok: true } | { ok: false; message: string; fieldErrors?: FieldErrors };

/**
 * The shop-app pages' forms (no tRPC there: a server action per page): validate with the procedure's schema, call the
 * action, show a refusal at its fields and in the banner, and a lost connection in the banner. `run` gives the
 * action's answer, or null when the input was refused here or nothing came back.
 */
export function useActionForm() {
  const form = useFormErrors();
  const { setErrors, setBanner, validate } = form;
  const [busy, setBusy] = useState(false);
  async function run<I, R extends ActionResult>(
    schema: z.ZodType,
    input: I,
    action: (input: I) => Promise<R>,
  ): Promise<R | null> {
    if (!validate(schema, input)) return null;
    setBusy(true);
    try {
      const r = await action(input);
      if (!r.ok) {
        const refused = r as Extract<ActionResult, { ok: false }>;
        setErrors(refused.fieldErrors ?? {});
        setBanner(refused.message);
      }
      return r;
    } catch {
      setBanner("Нет связи с сервером, попробуйте ещё раз");
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { ...form, busy, run };
}
