"use client";
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import { formatDate, formatDateTime, formatMoney, todayIso } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { useFormErrors } from "@/components/use-form-errors";
import { Alert, Badge, Button, Card, PageHeader, SelectField, ShowMoreButton, Table, TextField } from "@/components/ui";
import { previewVerificationSchema } from "@/server/services/payments/report-schemas";

type Preview = RouterOutputs["pimpayReports"]["previewVerification"];
type Input = z.output<typeof previewVerificationSchema>;
type Summary = RouterOutputs["pimpayReports"]["verifications"]["items"][number];

const TONES: Record<string, "gray" | "blue" | "green" | "red" | "amber"> = {
  sending: "gray",
  pending: "blue",
  matched: "green",
  discarded: "red",
  failed: "amber",
};

const monthStart = () => `${todayIso().slice(0, 8)}01`;
/** «1 234,56» or «1234.56» typed → a number; anything else stays text for zod to refuse. */
const toNumber = (v: string) => {
  const t = v.replace(/\s/g, "").replace(",", ".");
  return t === "" ? undefined : Number.isFinite(Number(t)) ? Number(t) : t;
};

function PreviewTable({ p }: { p: Preview }) {
  return (
    <div className="mt-4">
      {p.problems.length > 0 && (
        <div className="mb-3">
          <Alert tone="amber">{p.problems.join(". ")}</Alert>
        </div>
      )}
      <div className="mb-3">
        <Alert tone={p.sumMatches ? "green" : "red"}>
          Строки: к перечислению в PimPay {formatMoney(p.totals.toPimpay)}; платёжное поручение №{" "}
          {p.paymentOrder.number} — {formatMoney(p.paymentOrder.sum)}.{" "}
          {p.sumMatches ? "Суммы совпадают." : `Расхождение ${formatMoney(p.difference)}: PimPay отклонит сверку.`}
        </Alert>
      </div>
      {p.skipped.length > 0 && (
        <p className="mb-2 text-sm text-slate-600">
          Не вошли: {p.skipped.map((s) => `№ ${s.orderId} (${s.reason})`).join(", ")}
        </p>
      )}
      <Table>
        <thead>
          <tr>
            <th>Заказ</th>
            <th>Перевозчик</th>
            <th className="text-right">От получателя</th>
            <th className="text-right">Доставка</th>
            <th className="text-right">РКО</th>
            <th className="text-right">Страховка</th>
            <th className="text-right">В PimPay</th>
            <th>Замечания</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr key={r.orderId} className={r.warnings.length ? "bg-amber-50/50" : undefined}>
              <td>
                <a href={`/orders/${r.orderId}`} className="text-blue-700 hover:underline">
                  {r.number}
                </a>
              </td>
              <td>
                {r.carrier === "cdek" ? `СДЭК ${r.cdekNumber ?? ""}` : "свой курьер"}
                {r.remittances && <div className="text-xs text-slate-500">реестр № {r.remittances}</div>}
              </td>
              <td className="text-right tabular-nums">{formatMoney(r.fromRecipient)}</td>
              <td className="text-right tabular-nums">{formatMoney(r.deliveryCost)}</td>
              <td className="text-right tabular-nums">{formatMoney(r.cashFee)}</td>
              <td className="text-right tabular-nums">{formatMoney(r.insurance)}</td>
              <td className="text-right font-medium tabular-nums">{formatMoney(r.toPimpay)}</td>
              <td className="text-sm text-amber-900">{r.warnings.join("; ")}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="bg-slate-50 font-semibold">
            <td colSpan={2}>Итого: {p.rows.length}</td>
            <td className="text-right tabular-nums">{formatMoney(p.totals.fromRecipient)}</td>
            <td className="text-right tabular-nums">{formatMoney(p.totals.deliveryCost)}</td>
            <td className="text-right tabular-nums">{formatMoney(p.totals.cashFee)}</td>
            <td className="text-right tabular-nums">{formatMoney(p.totals.insurance)}</td>
            <td className="text-right tabular-nums">{formatMoney(p.totals.toPimpay)}</td>
            <td />
          </tr>
        </tfoot>
      </Table>
    </div>
  );
}

/** The form: payment order + client + period → the rows built from our records → «Отправить сверку». */
function NewVerification() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const clients = useQuery(trpc.clients.list.queryOptions({}));
  const [form, setForm] = useState({
    number: "",
    date: todayIso(),
    sum: "",
    clientId: "",
    from: monthStart(),
    to: todayIso(),
    cashFeePercent: "0",
  });
  const [previewed, setPreviewed] = useState<{ input: Input; result: Preview } | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const { errors, banner, validate, onServerError, clearError } = useFormErrors();
  const preview = useMutation(trpc.pimpayReports.previewVerification.mutationOptions({ onError: onServerError }));
  const send = useMutation(
    trpc.pimpayReports.sendVerification.mutationOptions({
      onError: onServerError,
      onSuccess: async (v) => {
        setPreviewed(null);
        setSent(
          v.status === "pending"
            ? `Сверка ${v.externalId} отправлена: ждём ответа PimPay`
            : `Сверка ${v.externalId} не отправлена: ${v.errors.join("; ")}`,
        );
        await queryClient.invalidateQueries({ queryKey: trpc.pimpayReports.verifications.pathKey() });
      },
    }),
  );

  const set =
    (key: keyof typeof form, field: string) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
      setForm((f) => ({ ...f, [key]: e.target.value }));
      clearError(field);
      setPreviewed(null);
    };

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setSent(null);
    const data = validate(previewVerificationSchema, {
      clientId: form.clientId ? Number(form.clientId) : undefined,
      from: form.from || undefined,
      to: form.to || undefined,
      paymentOrder: { number: form.number, date: form.date, sum: toNumber(form.sum) },
      cashFeePercent: toNumber(form.cashFeePercent) ?? 0,
    });
    if (data) preview.mutate(data, { onSuccess: (result) => setPreviewed({ input: data, result }) });
  }

  return (
    <Card title="Новая сверка">
      <form onSubmit={submit} noValidate>
        {banner && (
          <div className="mb-3">
            <Alert>{banner}</Alert>
          </div>
        )}
        <div className="grid items-start gap-3 md:grid-cols-4">
          <TextField
            label="Платёжное поручение №"
            value={form.number}
            onChange={set("number", "paymentOrder.number")}
            error={errors["paymentOrder.number"]}
            inputMode="numeric"
          />
          <TextField
            label="Дата поручения"
            type="date"
            value={form.date}
            onChange={set("date", "paymentOrder.date")}
            error={errors["paymentOrder.date"]}
          />
          <TextField
            label="Сумма поручения, ₽"
            value={form.sum}
            onChange={set("sum", "paymentOrder.sum")}
            error={errors["paymentOrder.sum"]}
            inputMode="decimal"
          />
          <TextField
            label="РКО, % от собранного"
            value={form.cashFeePercent}
            onChange={set("cashFeePercent", "cashFeePercent")}
            error={errors.cashFeePercent}
            inputMode="decimal"
            hint="По договору с клиентом; 0 — без комиссии"
          />
          <SelectField
            label="Клиент"
            value={form.clientId}
            onChange={set("clientId", "clientId")}
            error={errors.clientId}
          >
            <option value="">Выберите клиента</option>
            {clients.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Доставлены с"
            type="date"
            value={form.from}
            onChange={set("from", "from")}
            error={errors.from}
          />
          <TextField label="по" type="date" value={form.to} onChange={set("to", "to")} error={errors.to} />
          <div className="flex items-end pt-5">
            <Button type="submit" variant="secondary" disabled={preview.isPending}>
              {preview.isPending ? "Собираем строки…" : "Показать строки"}
            </Button>
          </div>
        </div>
      </form>
      {sent && (
        <div className="mt-3">
          <Alert tone="green">{sent}</Alert>
        </div>
      )}
      {previewed && (
        <>
          <PreviewTable p={previewed.result} />
          <div className="mt-3 flex justify-end">
            <Button
              type="button"
              disabled={!previewed.result.canSend || send.isPending}
              onClick={() => send.mutate({ ...previewed.input, digest: previewed.result.digest })}
            >
              {send.isPending ? "Отправляем…" : "Отправить сверку"}
            </Button>
          </div>
        </>
      )}
    </Card>
  );
}

function StatusCell({ v }: { v: Summary }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const refresh = useMutation(
    trpc.pimpayReports.refreshVerification.mutationOptions({
      onError: (e) => setError(e.message),
      onSuccess: async () => {
        setError(null);
        await queryClient.invalidateQueries({ queryKey: trpc.pimpayReports.verifications.pathKey() });
      },
    }),
  );
  return (
    <div className="flex flex-col items-start gap-1">
      <Badge tone={TONES[v.status]}>{v.statusTitle}</Badge>
      {v.status !== "failed" && v.status !== "sending" && (
        <Button
          type="button"
          variant="ghost"
          className="px-1 py-0 text-sm"
          disabled={refresh.isPending}
          onClick={() => refresh.mutate({ id: v.id })}
        >
          {refresh.isPending ? "Спрашиваем…" : "Обновить статус"}
        </Button>
      )}
      {error && <span className="text-xs text-red-600">{error}</span>}
    </div>
  );
}

export function VerificationsPage() {
  const trpc = useTRPC();
  const list = useInfiniteQuery({
    ...trpc.pimpayReports.verifications.infiniteQueryOptions(
      { limit: 30 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <PageHeader
        title="Сверки PimPay"
        subtitle="Сверка по платёжному поручению: строки по заказам из наших данных (и реестров СДЭК), ответ PimPay"
      />
      <div className="mb-4">
        <NewVerification />
      </div>
      <QueryState query={list} empty="Сверок пока нет" isEmpty={() => rows.length === 0}>
        {() => (
          <div>
            <Table>
              <thead>
                <tr>
                  <th>Сверка</th>
                  <th>Клиент</th>
                  <th>Платёжное поручение</th>
                  <th className="text-right">Сумма поручения</th>
                  <th className="text-right">Строк / сумма</th>
                  <th>Статус</th>
                  <th>Ошибки</th>
                  <th>Проверено</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((v) => (
                  <tr
                    key={v.id}
                    className={v.status === "discarded" || v.status === "failed" ? "bg-red-50/40" : undefined}
                  >
                    <td className="font-medium">{v.externalId}</td>
                    <td>
                      {v.clientName}
                      <div className="text-xs text-slate-500">ИНН {v.tin}</div>
                    </td>
                    <td>
                      № {v.paymentOrder.number} от {formatDate(v.paymentOrder.date)}
                    </td>
                    <td className="text-right tabular-nums">{formatMoney(v.paymentOrder.sum)}</td>
                    <td className="text-right tabular-nums">
                      {v.rowCount} / {formatMoney(v.rowsTotal)}
                    </td>
                    <td>
                      <StatusCell v={v} />
                    </td>
                    <td className="text-sm text-red-700">
                      {v.errors.length ? (
                        <ul className="list-disc pl-4">
                          {v.errors.map((e) => (
                            <li key={e}>{e}</li>
                          ))}
                        </ul>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </td>
                    <td className="text-slate-600">{formatDateTime(v.checkedAt ?? v.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {list.hasNextPage && (
              <div className="mt-3 text-right">
                <ShowMoreButton query={list} />
              </div>
            )}
          </div>
        )}
      </QueryState>
    </div>
  );
}
