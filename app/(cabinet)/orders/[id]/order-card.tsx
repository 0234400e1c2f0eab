"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { DocumentLinks } from "@/components/documents";
import { errorInfo } from "@/components/errors";
import { formatDate, formatDateTime, formatMoney, formatNumber } from "@/components/format";
import { StatusBadge } from "@/components/order-status";
import { type QueryLike, QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Button, Card, DetailList, Empty, Input, LinkButton, PageHeader, Select, Table } from "@/components/ui";
import {
  FINAL_STATUSES,
  type OrderStatus,
  PAY_TYPE_TITLES,
  STATUS_SOURCE_TITLES,
  statusTitle,
} from "@/server/services/orders/statuses";
import { CancelOrderButton, type CancelOutcome, CancelOutcomeNote } from "./cancel-order";
import { type OrderSync, OrderSyncCard, syncInProgress } from "./order-sync";

type Order = RouterOutputs["orders"]["get"];

const VAT_TITLES: Record<number, string> = { [-1]: "Без НДС" };
const vatTitle = (v: number | null) => (v === null ? "—" : (VAT_TITLES[v] ?? `${v}%`));

function timeWindow(date: string | null, min: string | null, max: string | null) {
  if (!date && !min && !max) return null;
  const parts = [date ? formatDate(date) : null, min || max ? `${min ?? "…"}–${max ?? "…"}` : null].filter(Boolean);
  return parts.join(", ");
}

export function OrderCard({ id, isStaff }: { id: number; isStaff: boolean }) {
  const trpc = useTRPC();
  // Client accounts get FORBIDDEN here, so the exchange is only asked for by staff.
  const sync = useQuery({
    ...trpc.sync.order.queryOptions({ orderId: id }),
    enabled: isStaff,
    refetchInterval: (q) => (syncInProgress(q.state.data) ? 2500 : false),
  });
  const moving = syncInProgress(sync.data);
  // The partner's confirmation changes the order's status too, so the order polls alongside the exchange.
  // A client account does not see the exchange, so its card follows a cancellation on its way to the partner itself.
  // While the order sits at a partner, its statuses come back on the partner's poll: the card reads them every 15 s.
  const atPartner = !!sync.data?.transfers.some((t) => t.state === "sent");
  const query = useQuery({
    ...trpc.orders.get.queryOptions({ id }),
    refetchInterval: (q) =>
      moving || q.state.data?.cancellation?.state === "pending"
        ? 2500
        : atPartner && q.state.data && !FINAL_STATUSES.has(q.state.data.status)
          ? 15_000
          : false,
  });
  const [cancelOutcome, setCancelOutcome] = useState<CancelOutcome | null>(null);
  const wasMoving = useRef(moving);
  const refetchOrder = query.refetch;
  useEffect(() => {
    // One last read once the exchange settles: the final status may land with the last sync change.
    if (wasMoving.current && !moving) void refetchOrder();
    wasMoving.current = moving;
  }, [moving, refetchOrder]);

  return (
    <QueryState query={query}>
      {(o) => (
        <OrderView o={o} isStaff={isStaff} sync={sync} cancelOutcome={cancelOutcome} onCancel={setCancelOutcome} />
      )}
    </QueryState>
  );
}

function OrderView({
  o,
  isStaff,
  sync,
  cancelOutcome,
  onCancel,
}: {
  o: Order;
  isStaff: boolean;
  sync: QueryLike<OrderSync>;
  cancelOutcome: CancelOutcome | null;
  onCancel: (outcome: CancelOutcome) => void;
}) {
  const money = (v: string) => formatMoney(v, o.clientCurrency);
  // What the partner charged (from its COD registry), in the settlement currency; the company's own figure.
  const agentPrice: [string, React.ReactNode][] = isStaff
    ? [["Агентская цена", o.agentPrice === null ? null : formatMoney(o.agentPrice)]]
    : [];

  return (
    <div>
      <div className="mb-1 text-slate-500">
        <Link href="/orders" className="hover:underline">
          ← {isStaff ? "Заказы" : "Мои заказы"}
        </Link>
      </div>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            Заказ {o.number} <StatusBadge status={o.status} />
          </span>
        }
        subtitle={`Создан ${formatDateTime(o.createdAt)} · ${o.clientName}`}
        actions={
          <>
            {o.canEdit && (
              <LinkButton href={`/orders/${o.id}/edit`} variant="secondary">
                Изменить
              </LinkButton>
            )}
            {(o.canCancel || o.cancellation?.state === "pending") && <CancelOrderButton order={o} onDone={onCancel} />}
          </>
        }
      />
      <CancelOutcomeNote order={o} outcome={cancelOutcome} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <Card title="Отправитель">
              <DetailList
                items={[
                  ["Компания", o.senderCompany],
                  ["Контакт", o.senderPerson],
                  ["Телефон", o.senderPhone],
                  ["Город", o.senderTown],
                  ["Адрес", o.senderAddress],
                  ["Индекс", o.senderZip],
                  ["Забор", timeWindow(o.senderDate, o.senderTimeMin, o.senderTimeMax)],
                ]}
              />
            </Card>
            <Card title="Получатель">
              <DetailList
                items={[
                  ["Компания", o.receiverCompany],
                  ["Контакт", o.receiverPerson],
                  ["Телефон", o.receiverPhone],
                  ["Город", o.receiverTown],
                  ["Код региона", o.receiverRegionCode],
                  ["Адрес", o.receiverAddress],
                  ["Индекс", o.receiverZip],
                  ["ПВЗ", o.receiverPvz],
                  ["Доставка", timeWindow(o.receiverDate, o.receiverTimeMin, o.receiverTimeMax)],
                ]}
              />
            </Card>
          </div>

          <Card title="Отправление">
            <div className="grid grid-cols-1 gap-x-8 md:grid-cols-2">
              <DetailList
                items={[
                  ["Клиент", o.clientName],
                  ["Штрихкод", o.barcode],
                  ["Подразделение", o.department],
                  ["Вес, кг", formatNumber(o.weight)],
                  ["Мест", o.quantity],
                  ["Вложение", o.enclosure],
                  ["Поручение", o.instruction],
                ]}
              />
              <DetailList
                items={[
                  ["Наложенный платёж", money(o.codAmount)],
                  ["Объявленная ценность", money(o.declaredValue)],
                  ["Стоимость доставки", money(o.deliveryPrice)],
                  ...agentPrice,
                  ["Тип оплаты", PAY_TYPE_TITLES[o.payType]],
                  ["Режим доставки", o.serviceCode],
                  [
                    "Ответственный филиал",
                    <span key="b" data-testid="responsible-branch">
                      {o.responsibleBranchName ?? "—"}
                    </span>,
                  ],
                  [
                    "Манифест",
                    o.manifestId && o.manifestNumber ? (
                      isStaff ? (
                        <Link key="m" href={`/manifests/${o.manifestId}`} className="text-blue-700 hover:underline">
                          {o.manifestNumber}
                        </Link>
                      ) : (
                        o.manifestNumber
                      )
                    ) : null,
                  ],
                ]}
              />
            </div>
          </Card>

          {isStaff && <OrderSyncCard orderId={o.id} query={sync} />}
          <ItemsCard order={o} />
          <PackagesCard order={o} />
        </div>

        <div className="flex flex-col gap-4">
          <Card title="Документы">
            <DocumentLinks target={{ orderId: o.id }} />
            {o.trackingUrl && (
              <p className="mt-3">
                <a className="text-blue-700 hover:underline" href={o.trackingUrl} target="_blank" rel="noopener">
                  Страница отслеживания для получателя
                </a>
              </p>
            )}
          </Card>
          {isStaff && <StatusControl order={o} />}
          {o.payment && <PaymentCard payment={o.payment} />}
          <HistoryCard order={o} />
        </div>
      </div>
    </div>
  );
}

/** The COD data at PimPay: sent and which status, or PimPay's reason and when we try again. */
function PaymentCard({ payment: p }: { payment: NonNullable<Order["payment"]> }) {
  return (
    <Card title="PimPay">
      {p.error ? (
        <div className="flex flex-col gap-1">
          <Alert>{p.error}</Alert>
          {p.nextAt && <p className="text-slate-500">Повторим {formatDateTime(p.nextAt)}</p>}
        </div>
      ) : p.sent ? (
        <p className="text-slate-700">
          Данные наложенного платежа переданы
          {p.pushedStatus ? `, статус «${statusTitle(p.pushedStatus)}»` : ""}
          {p.pushedAt ? ` — ${formatDateTime(p.pushedAt)}` : ""}.
        </p>
      ) : (
        <p className="text-slate-600">Ещё не передан: уйдёт с ближайшей пачкой.</p>
      )}
    </Card>
  );
}

function ItemsCard({ order: o }: { order: Order }) {
  const total = o.items.reduce((s, i) => s + Number(i.quantity) * Number(i.retailPrice), 0);
  return (
    <Card title={`Товары (${o.items.length})`}>
      {o.items.length === 0 ? (
        <Empty>Товары не указаны</Empty>
      ) : (
        <Table>
          <thead>
            <tr>
              <th>Наименование</th>
              <th>Артикул</th>
              <th>Штрихкод</th>
              <th className="text-right">Кол-во</th>
              <th className="text-right">Вес, кг</th>
              <th className="text-right">Цена</th>
              <th className="text-right">Сумма</th>
              <th>НДС</th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((i) => (
              <tr key={i.id}>
                <td>{i.name}</td>
                <td>{i.article ?? "—"}</td>
                <td>{i.barcode ?? "—"}</td>
                <td className="text-right tabular-nums">{formatNumber(i.quantity)}</td>
                <td className="text-right tabular-nums">{formatNumber(i.mass)}</td>
                <td className="whitespace-nowrap text-right tabular-nums">
                  {formatMoney(i.retailPrice, o.clientCurrency)}
                </td>
                <td className="whitespace-nowrap text-right tabular-nums">
                  {formatMoney(Number(i.quantity) * Number(i.retailPrice), o.clientCurrency)}
                </td>
                <td>{vatTitle(i.vatRate)}</td>
              </tr>
            ))}
            <tr>
              <td colSpan={6} className="text-right font-medium">
                Итого
              </td>
              <td className="whitespace-nowrap text-right font-medium tabular-nums">
                {formatMoney(total, o.clientCurrency)}
              </td>
              <td />
            </tr>
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function PackagesCard({ order: o }: { order: Order }) {
  if (o.packages.length === 0) return null;
  return (
    <Card title={`Места (${o.packages.length})`}>
      <Table>
        <thead>
          <tr>
            <th>Штрихкод</th>
            <th className="text-right">Вес, кг</th>
            <th className="text-right">Д × Ш × В, см</th>
            <th className="text-right">Кол-во</th>
            <th>Сообщение</th>
          </tr>
        </thead>
        <tbody>
          {o.packages.map((p) => (
            <tr key={p.id}>
              <td>{p.barcode ?? "—"}</td>
              <td className="text-right tabular-nums">{formatNumber(p.mass)}</td>
              <td className="text-right tabular-nums">
                {formatNumber(p.length)} × {formatNumber(p.width)} × {formatNumber(p.height)}
              </td>
              <td className="text-right tabular-nums">{p.quantity}</td>
              <td>{p.message ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}

function HistoryCard({ order: o }: { order: Order }) {
  const history = [...o.history].reverse();
  return (
    <Card title="История статусов">
      {history.length === 0 ? (
        <Empty>История пуста</Empty>
      ) : (
        <ol className="flex flex-col gap-3" data-testid="status-history">
          {history.map((h) => (
            <li key={h.id} className="border-l-2 border-slate-200 pl-3">
              <div className="flex flex-wrap items-baseline justify-between gap-x-2">
                <span className="font-medium">
                  {statusTitle(h.status)} <span className="font-mono text-xs text-slate-400">{h.status}</span>
                </span>
                <span className="text-xs text-slate-500">{formatDateTime(h.eventTime)}</span>
              </div>
              <div className="text-xs text-slate-500">Источник: {STATUS_SOURCE_TITLES[h.source] ?? h.source}</div>
              {h.comment && <div className="mt-0.5 text-slate-700">{h.comment}</div>}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function StatusControl({ order: o }: { order: Order }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const [comment, setComment] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const mutation = useMutation(
    trpc.orders.setStatus.mutationOptions({
      onSuccess: async (res) => {
        setDone(`Статус изменён: ${statusTitle(res.status)}`);
        setStatus("");
        setComment("");
        await queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
      },
    }),
  );
  const err = errorInfo(mutation.error);
  return (
    <Card title="Изменить статус">
      <form
        className="flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!status) return;
          setDone(null);
          mutation.mutate({ id: o.id, status: status as OrderStatus, comment });
        }}
      >
        <label htmlFor="new-status" className="sr-only">
          Новый статус
        </label>
        {o.statusBlockedReason && <p className="text-xs text-slate-500">{o.statusBlockedReason}</p>}
        <Select
          id="new-status"
          value={status}
          onChange={(e) => setStatus(e.target.value)}
          disabled={o.allowedStatuses.length === 0}
        >
          <option value="">Выберите статус…</option>
          {/* Only what the server's lifecycle allows: CANCELED goes through «Отменить заказ». */}
          {o.allowedStatuses.map((code) => (
            <option key={code} value={code}>
              {statusTitle(code)} ({code})
            </option>
          ))}
        </Select>
        <label htmlFor="status-comment" className="sr-only">
          Комментарий к статусу
        </label>
        <Input
          id="status-comment"
          placeholder="Комментарий (необязательно)"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          maxLength={1000}
        />
        <Button type="submit" disabled={!status || mutation.isPending}>
          {mutation.isPending ? "Сохранение…" : "Изменить статус"}
        </Button>
        {err.message && <Alert>{err.message}</Alert>}
        {done && <Alert tone="green">{done}</Alert>}
      </form>
    </Card>
  );
}
