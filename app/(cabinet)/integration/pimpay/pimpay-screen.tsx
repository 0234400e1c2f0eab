"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorInfo } from "@/components/errors";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Badge, Button, Card, Select, Table, TextareaField, TextField } from "@/components/ui";

type PimPay = RouterOutputs["pimpay"]["get"];

const HEALTH = { ok: "green", error: "red", unreachable: "amber", unknown: "gray" } as const;

/**
 * The seed's PimPay form in words: token, company code, the private key — made here by «Создать ключи» (the public
 * key shown to copy into PimPay's cabinet) or pasted — «Проверить подключение», and our statuses → PimPay's.
 */
export function PimPayScreen({ demo }: { demo: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.pimpay.get.queryOptions());
  return (
    <div className="flex flex-col gap-4">
      {demo && <DemoCard />}
      <QueryState query={query}>{(p) => <Loaded key={p.publicKey ?? "none"} p={p} />}</QueryState>
    </div>
  );
}

/** Demo mode only: the stand-in's token, and our public key put into it, in one click. */
function DemoCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connect = useMutation(
    trpc.pimpay.connectDemo.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.pimpay.get.queryKey() }),
    }),
  );
  return (
    <Card title="Демо: PimPay">
      <p className="text-slate-700">
        Рядом с демо работает заглушка PimPay. «Подключить демо-PimPay» создаст ключи (если их нет), сохранит токен
        заглушки и загрузит в неё открытый ключ — как вы сделали бы в кабинете PimPay. Затем выберите PimPay в карточке
        клиента «Демо-магазин» (вкладка «Финансы»).
      </p>
      <div className="mt-3 flex items-center gap-3">
        <Button type="button" disabled={connect.isPending} onClick={() => connect.mutate()}>
          {connect.isPending ? "Подключаем…" : "Подключить демо-PimPay"}
        </Button>
        {connect.data && <span className="text-green-700">Подключено: токен {connect.data.token}</span>}
      </div>
      {connect.error && (
        <div className="mt-2">
          <Alert>{errorInfo(connect.error).message}</Alert>
        </div>
      )}
    </Card>
  );
}

function Loaded({ p }: { p: PimPay }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.pimpay.get.queryKey() });
  const [values, setValues] = useState({ token: "", companyCode: p.companyCode, apiUrl: p.apiUrl, privateKey: "" });
  const [statusMap, setStatusMap] = useState<Record<string, string>>(p.statusMap);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const form = useFormErrors();
  const save = useMutation(
    trpc.pimpay.save.mutationOptions({
      onSuccess: (r) => {
        setSavedNote(
          r.enabled
            ? "Настройки сохранены: PimPay включён"
            : "Настройки сохранены; для работы нужны токен, код и ключи",
        );
        setValues((v) => ({ ...v, token: "", privateKey: "" }));
        void refresh();
      },
      onError: form.onServerError,
    }),
  );
  const keys = useMutation(trpc.pimpay.generateKeys.mutationOptions({ onSuccess: () => void refresh() }));
  const check = useMutation(trpc.pimpay.check.mutationOptions({ onSettled: () => void refresh() }));
  const set = (name: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    setSavedNote(null);
    form.clearError(name);
    setValues((v) => ({ ...v, [name]: e.target.value }));
  };

  function downloadPublicKey() {
    if (!p.publicKey) return;
    const url = URL.createObjectURL(new Blob([p.publicKey], { type: "application/x-pem-file" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "public.pem";
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="flex flex-col gap-4">
      <Card title="Подключение">
        <div className="mb-3 flex items-center gap-2">
          <Badge tone={HEALTH[p.health.status]}>
            {p.health.status === "ok" ? "Работает" : p.health.status === "unknown" ? "Не проверено" : "Ошибка"}
          </Badge>
          {p.health.message && <span className="text-slate-600">{p.health.message}</span>}
          {p.health.checkedAt && <span className="text-slate-400">{formatDateTime(p.health.checkedAt)}</span>}
        </div>
        <form
          className="flex max-w-2xl flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ ...values, statusMap: statusMap as never });
          }}
        >
          <TextField
            label="Токен"
            type="password"
            autoComplete="off"
            placeholder={p.tokenSet ? "сохранён — оставьте пустым, чтобы не менять" : "из кабинета PimPay"}
            value={values.token}
            error={form.errors.token}
            onChange={set("token")}
          />
          <TextField
            label="Код компании"
            hint="Код вашей службы доставки в PimPay: с ним уходят заказы, которые вы доставляете сами"
            value={values.companyCode}
            error={form.errors.companyCode}
            onChange={set("companyCode")}
          />
          <TextField label="Адрес API" value={values.apiUrl} error={form.errors.apiUrl} onChange={set("apiUrl")} />
          <TextareaField
            label="Закрытый ключ (вставить свой)"
            hint="Если ключи уже сделаны в OpenSSL: PEM, PKCS#1 или PKCS#8. Проще — «Создать ключи» ниже"
            rows={4}
            placeholder={
              p.publicKey ? "ключ сохранён — оставьте пустым, чтобы не менять" : "-----BEGIN PRIVATE KEY-----"
            }
            value={values.privateKey}
            error={form.errors.privateKey}
            onChange={set("privateKey")}
          />
          <StatusTable p={p} statusMap={statusMap} onChange={setStatusMap} />
          {form.banner && <Alert>{form.banner}</Alert>}
          {savedNote && <Alert tone="green">{savedNote}</Alert>}
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? "Сохраняем…" : "Сохранить"}
            </Button>
            <Button type="button" variant="secondary" disabled={check.isPending} onClick={() => check.mutate()}>
              {check.isPending ? "Проверяем…" : "Проверить подключение"}
            </Button>
          </div>
          {check.data && <Alert tone={check.data.status === "ok" ? "green" : "red"}>{check.data.message}</Alert>}
          {check.error && <Alert>{errorInfo(check.error).message}</Alert>}
        </form>
      </Card>

      <Card title="Ключи подписи">
        <p className="text-slate-700">
          Каждый запрос в PimPay подписывается закрытым ключом, который хранится на сервере зашифрованным и никому не
          показывается. Открытый ключ скопируйте в кабинет PimPay.
        </p>
        {p.publicKey ? (
          <div className="mt-3 flex flex-col gap-2">
            <label className="text-xs font-medium text-slate-600" htmlFor="pimpay-public-key">
              Открытый ключ (public.pem)
            </label>
            <textarea
              id="pimpay-public-key"
              readOnly
              rows={9}
              className="rounded-md border border-slate-300 bg-slate-50 p-2 font-mono text-xs"
              value={p.publicKey}
            />
            <div className="flex gap-2">
              <Button
                type="button"
                variant="secondary"
                onClick={() => void navigator.clipboard?.writeText(p.publicKey!)}
              >
                Скопировать
              </Button>
              <Button type="button" variant="secondary" onClick={downloadPublicKey}>
                Скачать public.pem
              </Button>
            </div>
          </div>
        ) : (
          <p className="mt-2 text-slate-600">Ключей пока нет.</p>
        )}
        <div className="mt-3">
          <Button
            type="button"
            variant={p.publicKey ? "secondary" : "primary"}
            disabled={keys.isPending}
            onClick={() => {
              if (
                !p.publicKey ||
                window.confirm("Создать новые ключи? Старый открытый ключ в PimPay перестанет подходить.")
              )
                keys.mutate();
            }}
          >
            {keys.isPending ? "Создаём…" : p.publicKey ? "Создать новые ключи" : "Создать ключи"}
          </Button>
        </div>
        {keys.error && (
          <div className="mt-2">
            <Alert>{errorInfo(keys.error).message}</Alert>
          </div>
        )}
      </Card>
    </div>
  );
}

function StatusTable(props: {
  p: PimPay;
  statusMap: Record<string, string>;
  onChange: (m: Record<string, string>) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="flex flex-col gap-2">
      <button type="button" className="self-start text-blue-700 hover:underline" onClick={() => setOpen((o) => !o)}>
        {open ? "Скрыть" : "Показать"} соответствие статусов PimPay
      </button>
      {open && (
        <Table>
          <thead>
            <tr>
              <th>Наш статус</th>
              <th>Единый статус PimPay</th>
            </tr>
          </thead>
          <tbody>
            {props.p.ourStatuses.map((s) => (
              <tr key={s.code}>
                <td>{s.title}</td>
                <td>
                  <Select
                    aria-label={`Статус PimPay для «${s.title}»`}
                    value={props.statusMap[s.code] ?? "unknown"}
                    onChange={(e) => props.onChange({ ...props.statusMap, [s.code]: e.target.value })}
                  >
                    {props.p.uniformStatuses.map((u) => (
                      <option key={u.code} value={u.code}>
                        {u.title}
                      </option>
                    ))}
                  </Select>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
