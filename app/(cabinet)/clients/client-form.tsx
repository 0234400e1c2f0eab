"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { hasErrorsUnder } from "@/components/form-errors";
import { useFormErrors } from "@/components/use-form-errors";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Badge, Button, Card, PageHeader, SelectField, Tabs, TextField } from "@/components/ui";
import { createClientSchema, CURRENCIES, updateClientSchema } from "@/server/services/clients/schemas";
import { PimPayClientPanel } from "./pimpay-client";
import { INTERMEDIARY_TITLES, KIND_TITLES } from "./titles";

type Client = RouterOutputs["clients"]["get"];
type Tab = "main" | "other" | "finance";
const TAB_FIELDS: Record<Tab, string[]> = {
  main: ["name", "kind", "partnerExtraCode", "contactPerson", "phone", "email", "address"],
  other: ["login", "password"],
  finance: ["inn", "currency", "paymentIntermediary"],
};

interface Values {
  name: string;
  kind: "shop" | "courier";
  inn: string;
  contactPerson: string;
  phone: string;
  email: string;
  address: string;
  login: string;
  password: string;
  currency: string;
  paymentIntermediary: "none" | "pimpay";
  partnerExtraCode: string;
}
type TextKey = Exclude<keyof Values, "kind" | "paymentIntermediary">;

function toValues(c?: Client): Values {
  return {
    name: c?.name ?? "",
    kind: c?.kind ?? "shop",
    inn: c?.inn ?? "",
    contactPerson: c?.contactPerson ?? "",
    phone: c?.phone ?? "",
    email: c?.email ?? "",
    address: c?.address ?? "",
    login: c?.login ?? "",
    password: "",
    currency: c?.currency ?? "RUB",
    paymentIntermediary: c?.paymentIntermediary ?? "none",
    partnerExtraCode: c?.partnerExtraCode == null ? "" : String(c.partnerExtraCode),
  };
}

export function ClientForm({ client }: { client?: Client }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => toValues(client));
  const [tab, setTab] = useState<Tab>("main");
  const [saved, setSaved] = useState(false);
  const {
    errors,
    banner,
    validate,
    onServerError: onError,
    clearError,
  } = useFormErrors({
    onFieldErrors: (fields) => {
      const first = (Object.keys(TAB_FIELDS) as Tab[]).find((t) => hasErrorsUnder(fields, TAB_FIELDS[t]));
      if (first) setTab(first);
    },
  });
  const create = useMutation(
    trpc.clients.create.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries({ queryKey: trpc.clients.pathKey() });
        router.push(`/clients/${r.id}`);
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.clients.update.mutationOptions({
      onSuccess: async () => {
        setSaved(true);
        setValues((v) => ({ ...v, password: "" }));
        await queryClient.invalidateQueries({ queryKey: trpc.clients.pathKey() });
      },
      onError,
    }),
  );
  const saving = update.isPending || create.isPending || create.isSuccess;

  const set = (k: keyof Values, v: string) => {
    setValues((s) => ({ ...s, [k]: v }));
    setSaved(false);
    clearError(k);
  };
  const field = (
    k: TextKey,
    label: string,
    extra: React.InputHTMLAttributes<HTMLInputElement> & { hint?: string } = {},
  ) => (
    <TextField label={label} value={values[k]} onChange={(e) => set(k, e.target.value)} error={errors[k]} {...extra} />
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    // The code stays in the form while the kind is toggled, but only a courier company keeps it: for a shop a hidden
    // code would still stop its orders going to that partner.
    const data = { ...values, partnerExtraCode: values.kind === "courier" ? values.partnerExtraCode : null };
    // An existing login without a stored password would lock the client out; say so here rather than after a round trip.
    const missingPassword = client && values.login.trim() && !client.hasPassword && !values.password;
    const extra = missingPassword ? { password: ["Задайте пароль для входа в кабинет"] } : undefined;
    if (!validate(client ? updateClientSchema : createClientSchema, client ? { ...data, id: client.id } : data, extra))
      return;
    if (client) update.mutate({ ...data, id: client.id });
    else create.mutate(data);
  }

  const tabs = [
    { id: "main" as const, label: "Основное", invalid: hasErrorsUnder(errors, TAB_FIELDS.main) },
    { id: "other" as const, label: "Прочее", invalid: hasErrorsUnder(errors, TAB_FIELDS.other) },
    { id: "finance" as const, label: "Финансы", invalid: hasErrorsUnder(errors, TAB_FIELDS.finance) },
  ];

  return (
    <form onSubmit={submit} noValidate className="max-w-4xl">
      <div className="mb-1 text-slate-500">
        <Link href="/clients" className="hover:underline">
          ← Клиенты
        </Link>
      </div>
      <PageHeader
        title={client ? client.name : "Новый клиент"}
        subtitle={client ? `${KIND_TITLES[client.kind]} · заказов: ${client.orderCount}` : undefined}
        actions={
          client && client.orderCount > 0 ? (
            <Link href={`/orders?client=${client.id}`} className="text-blue-700 hover:underline">
              Заказы клиента →
            </Link>
          ) : null
        }
      />
      {banner && (
        <div className="mb-3">
          <Alert>{banner}</Alert>
        </div>
      )}
      {saved && (
        <div className="mb-3">
          <Alert tone="green">Изменения сохранены</Alert>
        </div>
      )}
      <Card>
        <Tabs tabs={tabs} active={tab} onChange={setTab} />
        <div role="tabpanel" className="min-h-72">
          {tab === "main" && (
            <div className="grid gap-3 md:grid-cols-2">
              {field("name", "Название", { maxLength: 250 })}
              <SelectField
                label="Тип клиента"
                value={values.kind}
                onChange={(e) => set("kind", e.target.value)}
                error={errors.kind}
              >
                {(Object.keys(KIND_TITLES) as (keyof typeof KIND_TITLES)[]).map((k) => (
                  <option key={k} value={k}>
                    {KIND_TITLES[k]}
                  </option>
                ))}
              </SelectField>
              {values.kind === "courier" && (
                <div className="md:col-span-2 md:w-1/2 md:pr-1.5">
                  {field("partnerExtraCode", "Код службы партнёра", {
                    inputMode: "numeric",
                    maxLength: 9,
                    hint: "Для клиента — курьерской службы: её экстра-код. Заказы, полученные от неё, не будут переданы ей обратно.",
                  })}
                </div>
              )}
              {field("contactPerson", "Контактное лицо")}
              {field("phone", "Телефон", { type: "tel" })}
              {field("email", "E-mail", { type: "email" })}
              <div className="md:col-span-2">{field("address", "Адрес")}</div>
            </div>
          )}
          {tab === "other" && (
            <div className="grid gap-3 md:grid-cols-2">
              <div className="md:col-span-2 text-slate-600">
                Логин и пароль, с которыми клиент входит в свой кабинет (код службы — ваш). Без логина вход для клиента
                закрыт.
              </div>
              {field("login", "Логин в кабинет", { autoComplete: "off", maxLength: 100 })}
              <div className="flex flex-col gap-1">
                {client && (
                  <div className="text-xs text-slate-600">
                    Пароль: {client.hasPassword ? <Badge tone="green">пароль задан</Badge> : <Badge>не задан</Badge>}
                  </div>
                )}
                {field("password", client ? "Новый пароль" : "Пароль", {
                  type: "password",
                  autoComplete: "new-password",
                  hint: client ? "Оставьте пустым, чтобы не менять" : "Не короче 4 символов",
                })}
              </div>
            </div>
          )}
          {tab === "finance" && (
            <div className="grid gap-3 md:grid-cols-2">
              {field("inn", "ИНН", {
                inputMode: "numeric",
                hint: "10 цифр для организации, 12 — для ИП; по ИНН клиента находит платёжный посредник",
                maxLength: 12,
              })}
              {field("currency", "Валюта (код ISO 4217)", {
                list: "currencies",
                maxLength: 3,
                hint: "Три буквы, например RUB, KZT, BYN",
                className: "uppercase",
              })}
              <datalist id="currencies">
                {CURRENCIES.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
              <SelectField
                label="Платёжный посредник"
                value={values.paymentIntermediary}
                onChange={(e) => set("paymentIntermediary", e.target.value)}
                error={errors.paymentIntermediary}
              >
                {(Object.keys(INTERMEDIARY_TITLES) as (keyof typeof INTERMEDIARY_TITLES)[]).map((k) => (
                  <option key={k} value={k}>
                    {INTERMEDIARY_TITLES[k]}
                  </option>
                ))}
              </SelectField>
              {client && values.paymentIntermediary === "pimpay" && (
                <div className="md:col-span-2">
                  {client.paymentIntermediary === "pimpay" && client.inn === (values.inn.trim() || null) ? (
                    <PimPayClientPanel client={client} />
                  ) : (
                    <p className="text-slate-600">
                      Сохраните карточку: затем здесь появится состояние клиента в PimPay.
                    </p>
                  )}
                </div>
              )}
            </div>
          )}
        </div>
        <div className="mt-4 flex items-center gap-3 border-t border-slate-100 pt-4">
          <Button type="submit" disabled={saving}>
            {saving ? "Сохранение…" : client ? "Сохранить" : "Создать клиента"}
          </Button>
          <Link href="/clients" className="text-slate-600 hover:underline">
            {client ? "К списку" : "Отмена"}
          </Link>
        </div>
      </Card>
    </form>
  );
}
