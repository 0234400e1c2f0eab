"use client";
import { useState } from "react";
import { Alert, Button, TextField } from "@/components/ui";
import { useActionForm } from "@/components/use-action-form";
import { connectRetailCrmSchema } from "@/server/services/shop-apps/retailcrm-schemas";
import { AccountFields, type AccountValues } from "../account-fields";
import { connectAction } from "../actions";

/** The Marketplace's «Подключить» lands here: the CRM and its API key, then the client account at the courier. */
export function ConnectForm({ account }: { account: string }) {
  const [crm, setCrm] = useState({ crmUrl: account, apiKey: "" });
  const [values, setValues] = useState<AccountValues>({ extra: "", login: "", password: "" });
  const { errors, banner, busy, run } = useActionForm();
  const [done, setDone] = useState<{ redirectUrl: string; clientName: string } | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = await run(connectRetailCrmSchema, { ...crm, ...values }, connectAction);
    if (r?.ok) {
      setDone(r);
      window.setTimeout(() => window.location.assign(r.redirectUrl), 1500);
    } else if (r) setValues((v) => ({ ...v, password: "" }));
  }

  if (done)
    return (
      <Alert tone="green">
        RetailCRM подключена к клиенту «{done.clientName}». Возвращаем вас в настройки RetailCRM… Добавьте тип доставки,
        интегрированный с модулем (Настройки → Справочники → Типы доставок).{" "}
        <a className="underline" href={done.redirectUrl}>
          Перейти сейчас
        </a>
      </Alert>
    );
  return (
    <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
      <TextField
        label="Адрес RetailCRM"
        placeholder="https://shop.retailcrm.ru"
        value={crm.crmUrl}
        error={errors.crmUrl}
        onChange={(e) => setCrm((c) => ({ ...c, crmUrl: e.target.value }))}
      />
      <TextField
        label="API-ключ"
        hint="Настройки → Интеграция → Ключи доступа к API; нужны права на доставку и интеграцию"
        autoComplete="off"
        value={crm.apiKey}
        error={errors.apiKey}
        onChange={(e) => setCrm((c) => ({ ...c, apiKey: e.target.value }))}
      />
      <AccountFields values={values} errors={errors} onChange={(n, v) => setValues((s) => ({ ...s, [n]: v }))} />
      {banner && <Alert>{banner}</Alert>}
      <div>
        <Button type="submit" disabled={busy}>
          {busy ? "Подключаем…" : "Подключить"}
        </Button>
      </div>
    </form>
  );
}
