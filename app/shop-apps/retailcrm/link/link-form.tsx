"use client";
import { useState } from "react";
import { Alert, Button } from "@/components/ui";
import { useFormErrors } from "@/components/use-form-errors";
import { linkRetailCrmSchema } from "@/server/services/shop-apps/retailcrm-schemas";
import { AccountFields, type AccountValues } from "../account-fields";
import { linkAction } from "../actions";

/** A CRM connected by the simple connection names the client account it works for. */
export function LinkForm({ ticket }: { ticket: string }) {
  const [values, setValues] = useState<AccountValues>({ extra: "", login: "", password: "" });
  const { errors, setErrors, banner, setBanner, validate } = useFormErrors();
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const input = { ticket, ...values };
    if (!validate(linkRetailCrmSchema, input)) return;
    setBusy(true);
    try {
      const r = await linkAction(input);
      if (r.ok) window.location.assign(r.enterPath);
      else {
        setErrors(r.fieldErrors ?? {});
        setBanner(r.message);
        setValues((v) => ({ ...v, password: "" }));
      }
    } catch {
      setBanner("Нет связи с сервером, попробуйте ещё раз");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
      <AccountFields values={values} errors={errors} onChange={(n, v) => setValues((s) => ({ ...s, [n]: v }))} />
      {banner && <Alert>{banner}</Alert>}
      <div>
        <Button type="submit" disabled={busy}>
          {busy ? "Сохраняем…" : "Сохранить"}
        </Button>
      </div>
    </form>
  );
}
