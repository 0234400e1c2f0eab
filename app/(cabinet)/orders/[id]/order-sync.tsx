"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorInfo } from "@/components/errors";
import { formatDateTime } from "@/components/format";
import { PartnerFormLinks } from "@/components/partner-forms";
import { QueryState, type QueryLike } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Badge, Button, Card, Table } from "@/components/ui";
import { integratorTitle } from "@/server/integrators/catalog";
import { partnerDetailRows } from "@/server/integrators/details";
import { CANCEL_STATE_TITLES, TRANSFER_STATE_TITLES } from "@/server/services/exchange/schemas";

export type OrderSync = RouterOutputs["sync"]["order"];
type Transfer = OrderSync["transfers"][number];
type LogEntry = OrderSync["log"][number];

const STATE_TONES: Record<Transfer["state"], "green" | "amber" | "red" | "gray"> = {
  waiting: "amber",
  pending: "amber",
  sending: "amber",
  submitted: "amber",
  sent: "green",
  failed: "red",
  cancelled: "gray",
};
const CANCEL_TONES = { none: "gray", pending: "amber", done: "green", failed: "red" } as const;
const KIND_TITLES: Record<LogEntry["kind"], string> = {
  transfer: "передача",
  reconcile: "сверка",
  status: "статус",
  cancel: "отмена",
  payments: "PimPay",
};

/** Something is still moving at the worker: the card polls until it settles. */
export function syncInProgress(data: OrderSync | undefined): boolean {
  return !!data?.transfers.some(
    (t) => t.state === "pending" || t.state === "sending" || t.state === "submitted" || t.cancelState === "pending",
  );
}

const canRetry = (data: OrderSync) => data.transfers.some((t) => t.state === "failed" || t.cancelState === "failed");

/** «Передача партнёру»: the order's hand-overs to partner courier companies and the exchange log (staff only). */
export function OrderSyncCard({ orderId, query }: { orderId: number; query: QueryLike<OrderSync> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retry = useMutation(
    trpc.sync.retry.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.sync.order.queryKey({ orderId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.orders.get.queryKey({ id: orderId }) }),
        ]),
    }),
  );
  // The card keeps its frame while loading or failing; its actions need the data.
  const shown = query.isError ? undefined : query.data;
  const retryError = errorInfo(retry.error).message;

  return (
    <Card
      title="Передача партнёру"
      actions={
        !shown ? null : canRetry(shown) ? (
          <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate({ orderId })}>
            {retry.isPending ? "Повторяю…" : "Повторить"}
          </Button>
        ) : syncInProgress(shown) ? (
          <span className="text-xs text-slate-500" aria-live="polite">
            обновляется…
          </span>
        ) : null
      }
    >
      <QueryState query={query}>
        {(data) => (
          <div className="flex flex-col gap-3" data-testid="order-sync">
            {retryError && <Alert>{retryError}</Alert>}
            {retry.isSuccess && syncInProgress(data) && <Alert tone="green">Передача снова в очереди</Alert>}
            {data.transfers.length === 0 ? (
              <p className="text-slate-500">Заказ не передавался партнёрам</p>
            ) : (
              data.transfers.map((t) => <TransferView key={t.id} t={t} />)
            )}
            {data.printable && (
              <div>
                <h3 className="mb-1 text-sm font-semibold text-slate-700">Формы партнёра</h3>
                <PartnerFormLinks target={{ orderId }} parts={data.printParts} forms={data.printForms} />
              </div>
            )}
            {data.log.length > 0 && <SyncLog log={data.log} />}
          </div>
        )}
      </QueryState>
    </Card>
  );
}

function TransferView({ t }: { t: Transfer }) {
  const rows: [string, React.ReactNode][] = [
    ["Наш номер у партнёра", t.partnerNumber],
    ["Код заказа у партнёра", t.partnerOrderCode],
    ["Попыток", t.attempts],
    ["В очереди с", formatDateTime(t.queuedAt)],
    ["Передан", t.sentAt ? formatDateTime(t.sentAt) : null],
    ...partnerDetailRows(t.partnerDetails),
  ];
  if (t.state === "pending" && t.nextAttemptAt) rows.push(["Следующая попытка", formatDateTime(t.nextAttemptAt)]);
  return (
    <div className="rounded-md border border-slate-200 p-3" data-testid="transfer">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <div>
          <span className="font-medium">{t.branchName}</span>{" "}
          <span className="text-slate-500">· {integratorTitle(t.integrator)}</span>
        </div>
        <Badge tone={STATE_TONES[t.state]}>
          {t.state === "submitted"
            ? `Передан в ${integratorTitle(t.integrator)}, ждём подтверждения`
            : TRANSFER_STATE_TITLES[t.state]}
        </Badge>
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr_max-content_1fr]">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd className="min-w-0 break-words tabular-nums">
              {v === null || v === undefined || v === "" ? <span className="text-slate-400">—</span> : v}
            </dd>
          </div>
        ))}
      </dl>
      {t.lastError && (
        <p className="mt-2 break-words text-sm text-red-700" data-testid="transfer-error">
          {t.lastError}
        </p>
      )}
      {t.cancelState !== "none" && (
        <div className="mt-2 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-2">
          <span className="text-slate-500">Отмена:</span>
          <Badge tone={CANCEL_TONES[t.cancelState]}>{CANCEL_STATE_TITLES[t.cancelState]}</Badge>
          {t.cancelMessage && t.cancelMessage !== CANCEL_STATE_TITLES[t.cancelState] && (
            <span className={`break-words text-sm ${t.cancelState === "failed" ? "text-red-700" : "text-slate-700"}`}>
              {t.cancelMessage}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

function SyncLog({ log }: { log: LogEntry[] }) {
  return (
    <div>
      <h3 className="mb-1 text-sm font-semibold text-slate-700">Журнал обмена</h3>
      <Table>
        <thead>
          <tr>
            <th>Время</th>
            <th>Действие</th>
            <th>Что отправлено</th>
            <th>Результат</th>
            <th className="text-right">Длит.</th>
          </tr>
        </thead>
        <tbody data-testid="sync-log">
          {log.map((l) => (
            <tr key={l.id} className="align-top">
              <td className="whitespace-nowrap text-slate-600">{formatDateTime(l.at)}</td>
              <td className="whitespace-nowrap">{KIND_TITLES[l.kind]}</td>
              <td className="max-w-xs break-words text-xs text-slate-700">{l.request}</td>
              <td className={`max-w-xs break-words text-xs ${l.ok ? "text-slate-700" : "text-red-700"}`}>
                <span
                  className={`mr-1 font-semibold ${l.ok ? "text-green-700" : "text-red-700"}`}
                  aria-label={l.ok ? "успешно" : "ошибка"}
                >
                  {l.ok ? "✓" : "✕"}
                </span>
                {l.result}
              </td>
              <td className="whitespace-nowrap text-right tabular-nums text-slate-600">
                {l.durationMs === null ? "—" : formatDuration(l.durationMs)}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function formatDuration(ms: number) {
  return ms < 1000 ? `${ms} мс` : `${(ms / 1000).toLocaleString("ru-RU", { maximumFractionDigits: 1 })} с`;
}
