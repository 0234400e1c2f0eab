"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Button, Card, Field, Input, PageHeader, Select, SelectField, Table, TextField } from "@/components/ui";
import { AUDIT_ACTION_TITLES } from "@/server/services/integrations/schemas";

type Automation = RouterOutputs["shopApps"]["automation"];
type Spec = Automation["fields"][number];
type Values = Record<string, unknown>;

const AUDIT_TITLES: Record<string, string> = { ...AUDIT_ACTION_TITLES, changed: "изменены настройки" };

/**
 * One app's rules under «Автоматизация»: the fields its integrator lets the client change (the trigger status, the
 * prefix, our statuses → the shop's, «Не передавать заказы»), the shop's own values offered where they could be read,
 * and who changed what.
 */
export function AutomationForm({ id }: { id: number }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.shopApps.automation.queryOptions({ id }));
  // Kept here: the form below is rebuilt from the reloaded settings after a save (keyed by the newest history row).
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-3">
      <div className="text-slate-500">
        <Link href="/automation" className="hover:underline">
          ← Автоматизация
        </Link>
      </div>
      <QueryState query={query}>
        {(a) => <Loaded key={a.audit[0]?.id ?? 0} a={a} saved={saved} setSaved={setSaved} />}
      </QueryState>
    </div>
  );
}

function Loaded({
  a,
  saved,
  setSaved,
}: {
  a: Automation;
  saved: string | null;
  setSaved: (message: string | null) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(a.values);
  const form = useFormErrors();
  const save = useMutation(
    trpc.shopApps.saveAutomation.mutationOptions({
      onSuccess: (r) => {
        setSaved(r.changed.length ? "Настройки сохранены" : "Изменений нет");
        void queryClient.invalidateQueries({ queryKey: trpc.shopApps.automation.queryKey({ id: a.id }) });
      },
      onError: form.onServerError,
    }),
  );
  const set = (name: string, value: unknown) => {
    setSaved(null);
    form.clearError(name);
    setValues((v) => ({ ...v, [name]: value }));
  };

  return (
    <>
      <PageHeader
        title={`${a.title}${a.shop ? ` · ${a.shop}` : ""}`}
        subtitle={`Клиент: ${a.client.name}. Эти правила действуют сразу после сохранения.`}
      />
      {!a.enabled && (
        <Alert tone="amber">
          Приложение отключено: обмен с магазином не идёт, пока его не включат в «Приложениях».
        </Alert>
      )}
      {a.choicesError && (
        <Alert tone="amber">{a.choicesError}. Значения можно ввести вручную; проверьте их в магазине.</Alert>
      )}
      <Card>
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            form.setBanner(null);
            save.mutate({ id: a.id, values });
          }}
        >
          {a.fields.map((f) => (
            <FieldInput
              key={f.name}
              spec={f}
              value={values[f.name]}
              choices={f.choices ? a.choices[f.choices] : undefined}
              ourStatuses={a.ourStatuses}
              error={form.errors[f.name]}
              onChange={(v) => set(f.name, v)}
            />
          ))}
          {form.banner && <Alert>{form.banner}</Alert>}
          {saved && <Alert tone="green">{saved}</Alert>}
          <div>
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? "Сохраняем…" : "Сохранить"}
            </Button>
          </div>
        </form>
      </Card>
      <Card title="История изменений">
        {a.audit.length === 0 ? (
          <p className="text-slate-600">Настройки не менялись с подключения магазина.</p>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Когда</th>
                <th>Кто</th>
                <th>Что</th>
              </tr>
            </thead>
            <tbody data-testid="automation-audit">
              {a.audit.map((e) => (
                <tr key={e.id}>
                  <td className="whitespace-nowrap">{formatDateTime(e.at)}</td>
                  <td>{e.actorName}</td>
                  <td>
                    {AUDIT_TITLES[e.action] ?? e.action}
                    {e.fields.length > 0 && `: ${e.fields.join(", ")}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}

type Choice = { value: string; label: string };

function FieldInput({
  spec,
  value,
  choices,
  ourStatuses,
  error,
  onChange,
}: {
  spec: Spec;
  value: unknown;
  choices: Choice[] | undefined;
  ourStatuses: Automation["ourStatuses"];
  error: string[] | undefined;
  onChange: (v: unknown) => void;
}) {
  if (spec.type === "boolean") {
    return (
      <div className="flex flex-col gap-1">
        <label className="flex items-center gap-2 font-medium text-slate-800">
          <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {spec.label}
        </label>
        {spec.help && <p className="text-xs text-slate-500">{spec.help}</p>}
      </div>
    );
  }
  if (spec.type === "statusMap") {
    const map = (value && typeof value === "object" ? value : {}) as Record<string, string>;
    return (
      <Field label={spec.label} hint={spec.help} error={error}>
        <div className="max-h-96 overflow-y-auto rounded-md border border-slate-200">
          <table className="w-full text-sm">
            <tbody>
              {ourStatuses.map((s) => (
                <tr key={s.code} className="border-b border-slate-100 last:border-0">
                  <td className="px-2 py-1 text-slate-700">{s.title}</td>
                  <td className="px-2 py-1">
                    <ChoiceInput
                      label={`${spec.label}: ${s.title}`}
                      value={map[s.code] ?? ""}
                      choices={choices}
                      blank="— не менять —"
                      onChange={(v) => onChange({ ...map, [s.code]: v })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Field>
    );
  }
  if (spec.type === "multiselect") {
    const chosen = new Set(Array.isArray(value) ? (value as string[]) : []);
    const list = choices ?? [...chosen].map((v) => ({ value: v, label: v }));
    return (
      <Field label={spec.label} hint={spec.help} error={error}>
        {list.length === 0 ? (
          <p className="text-slate-500">Выбрать не из чего: список не получен.</p>
        ) : (
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {list.map((c) => (
              <label key={c.value} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={chosen.has(c.value)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(c.value);
                    else next.delete(c.value);
                    onChange([...next]);
                  }}
                />
                {c.label}
              </label>
            ))}
          </div>
        )}
      </Field>
    );
  }
  const text = typeof value === "string" ? value : "";
  if (choices) {
    return (
      <SelectField
        label={spec.label}
        hint={spec.help}
        error={error}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      >
        {!spec.required && <option value="">—</option>}
        {withCurrent(choices, text).map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </SelectField>
    );
  }
  return (
    <TextField
      label={spec.label}
      hint={spec.help}
      error={error}
      value={text}
      placeholder={spec.placeholder}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** A stored value the partner no longer lists stays visible (marked), so saving never changes it silently. */
function withCurrent(choices: Choice[], current: string): Choice[] {
  if (!current || choices.some((c) => c.value === current)) return choices;
  return [...choices, { value: current, label: `${current} (нет в магазине)` }];
}

function ChoiceInput({
  label,
  value,
  choices,
  blank,
  onChange,
}: {
  label: string;
  value: string;
  choices: Choice[] | undefined;
  blank: string;
  onChange: (v: string) => void;
}) {
  if (!choices) {
    return <Input aria-label={label} value={value} placeholder={blank} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <Select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{blank}</option>
      {withCurrent(choices, value).map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </Select>
  );
}
