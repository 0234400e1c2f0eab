"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorInfo } from "@/components/errors";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Badge, Button, Card, TextField } from "@/components/ui";

type Client = RouterOutputs["clients"]["get"];

/**
 * The client at PimPay, found by its INN (`getClient`): active, money transfer possible — or not known to PimPay, in
 * which case it can be registered from here (`acceptClient`) with the fields PimPay requires.
 */
export function PimPayClientPanel({ client }: { client: Client }) {
  const trpc = useTRPC();
  const state = useQuery(trpc.pimpay.clientState.queryOptions({ clientId: client.id }, { retry: false }));
  return (
    <Card title="Клиент в PimPay">
      {state.isPending && <p className="text-slate-600">Спрашиваем PimPay…</p>}
      {state.error && <Alert>{errorInfo(state.error).message}</Alert>}
      {state.data &&
        (state.data.found ? (
          <div className="flex flex-wrap items-center gap-2" data-testid="pimpay-client-state">
            <span>ИНН {state.data.info.tin}:</span>
            <Badge tone={state.data.info.isActive ? "green" : "amber"}>
              {state.data.info.isActive ? "активен" : "не активен"}
            </Badge>
            <Badge tone={state.data.info.isMoneyTransferPossible ? "green" : "amber"}>
              {state.data.info.isMoneyTransferPossible ? "выплаты возможны" : "выплаты пока невозможны"}
            </Badge>
            {state.data.info.status && <span className="text-slate-500">статус: {state.data.info.status}</span>}
          </div>
        ) : (
          <div className="flex flex-col gap-3">
            <p className="text-slate-700">{state.data.message}</p>
            {state.data.inn && <RegisterForm client={client} />}
          </div>
        ))}
    </Card>
  );
}

function RegisterForm({ client }: { client: Client }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({
    legalEntityName: client.name,
    shopName: client.name,
    email: client.email ?? "",
    mobile: client.phone ?? "",
    agreement: "",
  });
  const form = useFormErrors();
  const register = useMutation(
    trpc.pimpay.registerClient.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.pimpay.clientState.queryKey({ clientId: client.id }) }),
      onError: form.onServerError,
    }),
  );
  const field = (name: keyof typeof values, label: string, hint?: string) => (
    <TextField
      label={label}
      hint={hint}
      value={values[name]}
      error={form.errors[name]}
      onChange={(e) => {
        form.clearError(name);
        setValues((v) => ({ ...v, [name]: e.target.value }));
      }}
    />
  );
  return (
    <div className="grid gap-3 md:grid-cols-2">
      {field("legalEntityName", "Юридическое название")}
      {field("shopName", "Название магазина")}
      {field("email", "E-mail")}
      {field("mobile", "Мобильный телефон", "Например +79001234567")}
      {field("agreement", "Номер договора (если есть)")}
      <div className="md:col-span-2 flex flex-col gap-2">
        {form.banner && <Alert>{form.banner}</Alert>}
        <div>
          <Button
            type="button"
            disabled={register.isPending}
            onClick={() => register.mutate({ clientId: client.id, ...values })}
          >
            {register.isPending ? "Регистрируем…" : "Зарегистрировать в PimPay"}
          </Button>
        </div>
      </div>
    </div>
  );
}
