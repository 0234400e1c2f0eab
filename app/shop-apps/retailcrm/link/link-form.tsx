"use client";
import { useState } from "react";
import { Alert, Button } from "@/components/ui";
import { zodFieldErrors, type FieldErrors } from "@/server/services/errors";
import { linkRetailCrmSchema } from "@/server/services/shop-apps/retailcrm-schemas";
import { AccountFields, type AccountValues } from "../account-fields";
import { linkAction } from "../actions";

/** A CRM connected by the simple connection names the client account it works for. */
export function LinkForm({ ticket }: { ticket: string }) {
  const [values, setValues] = useState<AccountValues>({ extra: "", login: "", password: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = { ticket, ...values };
    const checked = linkRetailCrmSchema.safeParse(input);
    if (!checked.success) {
      setErrors(zodFieldErrors(checked.error));
      setMessage("Проверьте поля формы");
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const r = await linkAction(input);
      if (r.ok) window.location.assign(r.enterPath);
      else {
        setErrors(r.fieldErrors ?? {});
        setMessage(r.message);
        setValues((v) => ({ ...v, password: "" }));
      }
    } catch {
      setMessage("Нет связи с сервером, попробуйте ещё раз");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
      <AccountFields values={values} errors={errors} onChange={(n, v) => setValues((s) => ({ ...s, [n]: v }))} />
      {message && <Alert>{message}</Alert>}
      <div>
        <Button type="submit" disabled={busy}>
          {busy ? "Сохраняем…" : "Сохранить"}
        </Button>
      </div>
    </form>
  );
}
