"use client";
import { useState } from "react";
import { Alert, Button } from "@/components/ui";
import { useActionForm } from "@/components/use-action-form";
import { linkRetailCrmSchema } from "@/server/services/shop-apps/retailcrm-schemas";
import { AccountFields, type AccountValues } from "../account-fields";
import { linkAction } from "../actions";

/** A CRM connected by the simple connection names the client account it works for. */
export function LinkForm({ ticket }: { ticket: string }) {
  const [values, setValues] = useState<AccountValues>({ extra: "", login: "", password: "" });
  const { errors, banner, busy, run } = useActionForm();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = await run(linkRetailCrmSchema, { ticket, ...values }, linkAction);
    if (r?.ok) window.location.assign(r.enterPath);
    else if (r) setValues((v) => ({ ...v, password: "" }));
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
