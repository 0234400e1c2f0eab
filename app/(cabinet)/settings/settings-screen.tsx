"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card, PageHeader, Tabs, TextField } from "@/components/ui";
import { useFormErrors } from "@/components/use-form-errors";
import {
  API_REQUIRABLE_FIELDS,
  type ApiRequirableField,
  apiSettingsSchema,
  requisitesSchema,
} from "@/server/services/company-settings/schemas";
import { AuditJournal } from "./audit-journal";
import { TariffsPanel } from "./tariffs-panel";

type Tab = "requisites" | "api" | "tariffs" | "audit";

export function SettingsScreen() {
  const trpc = useTRPC();
  const [tab, setTab] = useState<Tab>("requisites");
  const settings = useQuery(trpc.companySettings.get.queryOptions());
  return (
    <div>
      <PageHeader
        title="Настройки компании"
        subtitle="Реквизиты для накладных и этикеток, правила XML API, услуги и тарифы калькулятора. Каждое изменение — в журнале."
      />
      <Tabs
        tabs={[
          { id: "requisites", label: "Реквизиты" },
          { id: "api", label: "XML API" },
          { id: "tariffs", label: "Услуги и тарифы" },
          { id: "audit", label: "Журнал изменений" },
        ]}
        active={tab}
        onChange={setTab}
      />
      {tab === "audit" ? (
        <AuditJournal />
      ) : (
        <QueryState query={settings}>
          {(s) =>
            tab === "requisites" ? (
              <RequisitesForm initial={s.requisites} />
            ) : tab === "api" ? (
              <ApiForm initial={s.api} extra={s.requisites.extra} />
            ) : (
              <TariffsPanel services={s.services} />
            )
          }
        </QueryState>
      )}
    </div>
  );
}

function useSaved() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [saved, setSaved] = useState<string | null>(null);
  const onSaved = (r: { changed: boolean }) => {
    setSaved(r.changed ? "Сохранено" : "Изменений нет");
    void qc.invalidateQueries({ queryKey: trpc.companySettings.get.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.companySettings.audit.queryKey() });
  };
  return { saved, setSaved, onSaved };
}

function RequisitesForm({
  initial,
}: {
  initial: { name: string; inn: string | null; address: string | null; phone: string | null };
}) {
  const trpc = useTRPC();
  const [values, setValues] = useState({
    name: initial.name,
    inn: initial.inn ?? "",
    address: initial.address ?? "",
    phone: initial.phone ?? "",
  });
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const { saved, setSaved, onSaved } = useSaved();
  const save = useMutation(
    trpc.companySettings.saveRequisites.mutationOptions({ onSuccess: onSaved, onError: onServerError }),
  );
  const set = (k: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    clearError(k);
    setSaved(null);
  };
  return (
    <Card className="max-w-2xl" title="Реквизиты">
      <form
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const data = validate(requisitesSchema, values);
          if (data) save.mutate(data);
        }}
      >
        {banner && <Alert>{banner}</Alert>}
        {saved && <Alert tone="green">{saved}</Alert>}
        <TextField label="Название" value={values.name} onChange={set("name")} error={errors.name} />
        <TextField label="ИНН" inputMode="numeric" value={values.inn} onChange={set("inn")} error={errors.inn} />
        <TextField label="Адрес" value={values.address} onChange={set("address")} error={errors.address} />
        <TextField label="Телефон" type="tel" value={values.phone} onChange={set("phone")} error={errors.phone} />
        <p className="text-xs text-slate-500">
          Печатаются в накладных («Перевозчик»: название, ИНН, адрес, телефон) и на этикетках (название и телефон).
          Новое название в шапке кабинета появится после следующего входа.
        </p>
        <div>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Сохраняем…" : "Сохранить"}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function ApiForm({ initial, extra }: { initial: { requiredFields: string[]; strictTowns: boolean }; extra: number }) {
  const trpc = useTRPC();
  const [required, setRequired] = useState<Set<string>>(new Set(initial.requiredFields));
  const [strictTowns, setStrictTowns] = useState(initial.strictTowns);
  const { banner, validate, onServerError } = useFormErrors();
  const { saved, setSaved, onSaved } = useSaved();
  const save = useMutation(
    trpc.companySettings.saveApi.mutationOptions({ onSuccess: onSaved, onError: onServerError }),
  );
  const toggle = (f: string) => {
    setSaved(null);
    setRequired((s) => {
      const n = new Set(s);
      if (n.has(f)) n.delete(f);
      else n.add(f);
      return n;
    });
  };
  return (
    <Card className="max-w-2xl" title={`XML API (код службы ${extra})`}>
      <form
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          const data = validate(apiSettingsSchema, { requiredFields: [...required], strictTowns });
          if (data) save.mutate(data);
        }}
      >
        {banner && <Alert>{banner}</Alert>}
        {saved && <Alert tone="green">{saved}</Alert>}
        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-xs font-medium text-slate-600">
            Обязательные поля заказа (сверх обязательных по протоколу MeaSoft)
          </legend>
          {(Object.entries(API_REQUIRABLE_FIELDS) as [ApiRequirableField, string][]).map(([f, title]) => (
            <label key={f} className="flex items-center gap-2">
              <input type="checkbox" checked={required.has(f)} onChange={() => toggle(f)} />
              {title}
            </label>
          ))}
        </fieldset>
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            className="mt-1"
            checked={strictTowns}
            onChange={(e) => {
              setStrictTowns(e.target.checked);
              setSaved(null);
            }}
          />
          <span>
            Только города из справочника
            <span className="block text-xs text-slate-500">
              Заказ с городом, которого нет в справочнике, отклоняется (коды 5 и 6). Без галочки такой город сохраняется
              как написан — сёла и посёлки не теряются.
            </span>
          </span>
        </label>
        <p className="text-xs text-slate-500">Изменения применяются к новым заказам XML API в течение минуты.</p>
        <div>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Сохраняем…" : "Сохранить"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
