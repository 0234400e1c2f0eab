"use client";
import { useState } from "react";
import { Alert, Button, Input, Select, SelectField, TextField } from "@/components/ui";
import { useActionForm } from "@/components/use-action-form";
import { linkShopSchema } from "@/server/services/shop-apps/schemas";
import { linkShopAction } from "./actions";

type Option = { value: string; title: string };

/** The shop's status as a list when InSales gave them, else typed (the page says why the list is missing). */
function StatusInput(props: {
  options: Option[] | null;
  value: string;
  onChange: (v: string) => void;
  empty: string;
  label?: string;
}) {
  if (props.options)
    return (
      <Select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.empty}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.title}
          </option>
        ))}
      </Select>
    );
  return (
    <Input
      aria-label={props.label}
      value={props.value}
      placeholder="код статуса, например dispatched"
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

export function LinkForm(props: {
  ticket: string;
  statuses: Option[] | null;
  statusError: string | null;
  ourStatuses: { code: string; title: string }[];
}) {
  const [values, setValues] = useState({ extra: "", login: "", password: "", triggerStatus: "", prefix: "" });
  const [statusMap, setStatusMap] = useState<Record<string, string>>({});
  const { errors, banner, busy, run } = useActionForm();
  const [done, setDone] = useState<{ enterPath: string; clientName: string } | null>(null);
  const set = (name: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setValues((v) => ({ ...v, [name]: e.target.value }));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const r = await run(linkShopSchema, { ticket: props.ticket, ...values, statusMap }, linkShopAction);
    if (r?.ok) {
      setDone(r);
      setValues((v) => ({ ...v, password: "" }));
    }
  }

  if (done)
    return (
      <div className="space-y-3">
        <Alert tone="green">
          Магазин подключён к клиенту «{done.clientName}». Настройки можно изменить в кабинете.
        </Alert>
        <a className="text-blue-700 underline" href={done.enterPath} target="_blank" rel="noopener">
          Открыть кабинет
        </a>
      </div>
    );

  return (
    <form className="space-y-4" onSubmit={submit} noValidate>
      {banner && <Alert>{banner}</Alert>}
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField
          label="Код курьерской службы"
          inputMode="numeric"
          value={values.extra}
          onChange={set("extra")}
          error={errors.extra}
        />
        <TextField
          label="Логин"
          autoComplete="username"
          value={values.login}
          onChange={set("login")}
          error={errors.login}
        />
        <TextField
          label="Пароль"
          type="password"
          autoComplete="current-password"
          value={values.password}
          onChange={set("password")}
          error={errors.password}
        />
      </div>
      {props.statusError && <Alert tone="amber">{props.statusError}. Введите код статуса вручную.</Alert>}
      <div className="grid gap-3 sm:grid-cols-2">
        {props.statuses ? (
          <SelectField
            label="Статус для передачи заказа"
            value={values.triggerStatus}
            onChange={set("triggerStatus")}
            error={errors.triggerStatus}
          >
            <option value="">— выберите —</option>
            {props.statuses.map((o) => (
              <option key={o.value} value={o.value}>
                {o.title}
              </option>
            ))}
          </SelectField>
        ) : (
          <TextField
            label="Статус для передачи заказа"
            value={values.triggerStatus}
            onChange={set("triggerStatus")}
            error={errors.triggerStatus}
          />
        )}
        <TextField
          label="Префикс заказов"
          hint="Например IS-"
          value={values.prefix}
          onChange={set("prefix")}
          error={errors.prefix}
        />
      </div>
      <details>
        <summary className="cursor-pointer font-medium">Статусы магазина для статусов доставки</summary>
        <p className="mt-2 text-slate-600">
          Какой статус ставить заказу в магазине, когда доставка дошла до статуса службы.
        </p>
        <table className="mt-2 w-full">
          <tbody>
            {props.ourStatuses.map((s) => (
              <tr key={s.code}>
                <td className="py-1 pr-3">{s.title}</td>
                <td className="py-1">
                  <StatusInput
                    label={s.title}
                    options={props.statuses}
                    empty="— не менять —"
                    value={statusMap[s.code] ?? ""}
                    onChange={(v) => setStatusMap((m) => ({ ...m, [s.code]: v }))}
                  />
                  {errors[`statusMap.${s.code}`] && <p className="text-red-700">{errors[`statusMap.${s.code}`]![0]}</p>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <Button type="submit" disabled={busy}>
        {busy ? "Сохраняем…" : "Сохранить"}
      </Button>
    </form>
  );
}
