"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { INTEGRATOR_FORMS, integratorForm, integratorTitle } from "@/server/integrators/catalog";
import { validateSettings } from "@/server/integrators/fields";
import type { FieldSpec } from "@/server/integrators/types";
import { errorInfo } from "./errors";
import { IntegrationModal } from "./integration-modal";
import { QueryState } from "./query-state";
import { useTRPC } from "./trpc";
import { Alert, Button, Field, Select, TextField } from "./ui";

type Values = Record<string, string | boolean>;

function initialValues(fields: FieldSpec[], stored: Record<string, unknown> | undefined): Values {
  const out: Values = {};
  for (const f of fields) {
    const v = stored?.[f.name] ?? f.default;
    if (f.type === "boolean") out[f.name] = v === true;
    else out[f.name] = f.secret || v === undefined || v === null ? "" : String(v);
  }
  return out;
}

/** «Настроить»: pick the integrator, fill its generated form, save. Validates with the same schema as the server. */
export function IntegrationDialog({
  branch,
  onClose,
}: {
  branch: { id: number; code: string; name: string };
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.integrations.get.queryOptions({ branchId: branch.id }));
  return (
    <IntegrationModal title={`Интеграция филиала ${branch.code} «${branch.name}»`} onClose={onClose}>
      <QueryState query={current}>
        {(data) => (
          <IntegrationForm
            branchId={branch.id}
            stored={data.integration}
            selfApiUrl={data.selfApiUrl}
            onCancel={onClose}
            onSaved={async () => {
              await queryClient.invalidateQueries({ queryKey: trpc.integrations.pathKey() });
              onClose();
            }}
          />
        )}
      </QueryState>
    </IntegrationModal>
  );
}

function IntegrationForm({
  branchId,
  stored,
  selfApiUrl,
  onCancel,
  onSaved,
}: {
  branchId: number;
  stored: { integrator: string; settings: Record<string, unknown>; secretsSet: string[] } | null;
  selfApiUrl: string;
  onCancel: () => void;
  onSaved: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [integrator, setIntegrator] = useState(stored?.integrator ?? "");
  const form = integratorForm(integrator);
  const sameAsStored = !!stored && stored.integrator === integrator;
  const [values, setValues] = useState<Values>(() =>
    form ? initialValues(form.fields, sameAsStored ? stored?.settings : undefined) : {},
  );
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [confirming, setConfirming] = useState(false);
  const save = useMutation(trpc.integrations.save.mutationOptions({ onSuccess: () => onSaved() }));
  const storedSecrets = sameAsStored ? stored.secretsSet : [];
  const selectId = useId();

  function pick(id: string) {
    setIntegrator(id);
    setConfirming(false);
    setFieldErrors({});
    save.reset();
    const next = integratorForm(id);
    setValues(next ? initialValues(next.fields, stored?.integrator === id ? stored.settings : undefined) : {});
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!form) {
      setFieldErrors({ integrator: ["Выберите интегратора"] });
      return;
    }
    const checked = validateSettings(form.settings, values, storedSecrets);
    if (!checked.ok) {
      setFieldErrors(checked.fieldErrors);
      return;
    }
    setFieldErrors({});
    if (stored && !sameAsStored && !confirming) {
      setConfirming(true);
      return;
    }
    save.mutate({ branchId, integrator: form.id, values, replace: confirming });
  }

  const server = errorInfo(save.error);
  const errors = { ...server.fields, ...fieldErrors };
  const set = (name: string, v: string | boolean) => {
    setValues((prev) => ({ ...prev, [name]: v }));
    setConfirming(false);
  };

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
      <Field label="Интегратор" htmlFor={selectId} error={errors.integrator}>
        <Select
          id={selectId}
          value={integrator}
          onChange={(e) => pick(e.target.value)}
          aria-invalid={errors.integrator ? true : undefined}
        >
          <option value="">— выберите —</option>
          {INTEGRATOR_FORMS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.title}
            </option>
          ))}
        </Select>
      </Field>
      {form && <p className="text-slate-600">{form.description}</p>}
      {form?.fields.map((f) => (
        <SettingField
          key={`${form.id}.${f.name}`}
          field={f}
          value={values[f.name]}
          error={errors[f.name]}
          secretStored={storedSecrets.includes(f.name)}
          placeholder={form.id === "measoft" && f.name === "apiUrl" ? selfApiUrl : f.placeholder}
          onChange={(v) => set(f.name, v)}
        />
      ))}
      {server.message && <Alert>{server.message}</Alert>}
      {confirming && stored && (
        <Alert tone="amber">
          Филиал уже настроен на «{integratorTitle(stored.integrator)}». Сохранение заменит интегратора на «
          {form?.title}»: прежние настройки и пароли будут удалены.
        </Alert>
      )}
      <div className="mt-1 flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onCancel}>
          Отмена
        </Button>
        <Button type="submit" variant={confirming ? "danger" : "primary"} disabled={save.isPending}>
          {save.isPending ? "Сохраняю…" : confirming ? "Заменить интегратора" : "Сохранить"}
        </Button>
      </div>
    </form>
  );
}

function SettingField({
  field,
  value,
  error,
  secretStored,
  placeholder,
  onChange,
}: {
  field: FieldSpec;
  value: string | boolean | undefined;
  error?: string[];
  secretStored: boolean;
  placeholder?: string;
  onChange: (v: string | boolean) => void;
}) {
  const id = useId();
  const label = field.required ? `${field.label} *` : field.label;
  if (field.type === "boolean") {
    return (
      <div className="flex flex-col gap-1">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <span>{field.label}</span>
        </label>
        {field.help && <p className="text-xs text-slate-500">{field.help}</p>}
      </div>
    );
  }
  if (field.type === "select") {
    return (
      <Field label={label} htmlFor={id} error={error} hint={field.help}>
        <Select id={id} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)}>
          {!field.required && <option value="">—</option>}
          {field.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      </Field>
    );
  }
  const hint =
    field.secret && secretStored ? "Сохранён. Оставьте пустым, чтобы не менять, или введите новый." : field.help;
  return (
    <TextField
      label={label}
      error={error}
      hint={hint}
      type={
        field.type === "password"
          ? "password"
          : field.type === "number"
            ? "text"
            : field.type === "url"
              ? "url"
              : "text"
      }
      inputMode={field.type === "number" ? "numeric" : undefined}
      autoComplete={field.secret ? "new-password" : "off"}
      placeholder={field.secret && secretStored ? "•••••••• (задан)" : placeholder}
      value={String(value ?? "")}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
