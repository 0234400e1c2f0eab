"use client";
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { DocumentLinks } from "@/components/documents";
import { errorInfo } from "@/components/errors";
import { formatDate, formatDateTime, formatNumber, todayIso } from "@/components/format";
import { StatusBadge } from "@/components/order-status";
import { PartnerFormLinks } from "@/components/partner-forms";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import {
  Alert,
  Badge,
  Button,
  Card,
  DetailList,
  Empty,
  Input,
  PageHeader,
  ShowMoreButton,
  Table,
  TextareaField,
  TextField,
} from "@/components/ui";
import { PRINT_CHUNK, TRANSFER_STATE_TITLES } from "@/server/services/exchange/schemas";
import { ManifestStateBadge } from "../state-badge";

type Manifest = RouterOutputs["manifests"]["get"];

/** Everything that changes a manifest also changes its orders, so both caches are refreshed together. */
function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.manifests.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() }),
    ]);
}

/** «назначен 1 заказу / 5 заказам» */
const ordersDative = (n: number) => (n % 10 === 1 && n % 100 !== 11 ? "заказу" : "заказам");

const ordersWord = (n: number) => {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return "заказ";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return "заказа";
  return "заказов";
};

export function ManifestCard({ id }: { id: number }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.manifests.get.queryOptions({ id }));
  return <QueryState query={query}>{(m) => <ManifestView m={m} />}</QueryState>;
}

function ManifestView({ m }: { m: Manifest }) {
  const draft = m.state === "draft";

  return (
    <div>
      <div className="mb-1 text-slate-500">
        <Link href="/manifests" className="hover:underline">
          ← Манифесты
        </Link>
      </div>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            Манифест {m.number} <ManifestStateBadge state={m.state} />
          </span>
        }
        subtitle={`Создан ${formatDateTime(m.createdAt)}`}
      />
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <OrdersInManifest manifest={m} />
          {draft && <PickOrders manifest={m} />}
        </div>
        <div className="flex flex-col gap-4">
          <Card title="Сведения">
            <DetailList
              items={[
                ["Состояние", <ManifestStateBadge key="s" state={m.state} />],
                ["Создающий филиал", m.creatingBranchName],
                ["Ответственный филиал", m.responsibleBranchName],
                ["Дата отправки", m.sendDate ? formatDate(m.sendDate) : null],
                ["Заказов", m.orders.length],
                ["Комментарий", m.comment],
              ]}
            />
          </Card>
          <ManifestActions manifest={m} />
          {m.orders.length > 0 && (
            <Card title="Документы">
              <DocumentLinks target={{ manifestId: m.id }} />
            </Card>
          )}
          {m.printable && <PartnerForms manifest={m} />}
          {draft && <ScanOrders manifest={m} />}
        </div>
      </div>
    </div>
  );
}

function OrdersInManifest({ manifest: m }: { manifest: Manifest }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const remove = useMutation(trpc.manifests.removeOrder.mutationOptions({ onSuccess: () => refresh() }));
  const draft = m.state === "draft";
  const removeError = errorInfo(remove.error).message;
  return (
    <Card title={`Заказы в манифесте (${m.orders.length})`}>
      {removeError && (
        <div className="mb-3">
          <Alert>{removeError}</Alert>
        </div>
      )}
      {m.orders.length === 0 ? (
        <Empty>В манифесте пока нет заказов. {draft ? "Добавьте их по номерам или выберите из списка." : ""}</Empty>
      ) : (
        <Table>
          <thead>
            <tr>
              <th>Номер</th>
              <th>Получатель</th>
              <th>Город</th>
              <th>Статус</th>
              <th>Передача партнёру</th>
              <th className="text-right">Вес, кг</th>
              <th className="text-right">Мест</th>
              {draft && <th />}
            </tr>
          </thead>
          <tbody data-testid="manifest-orders">
            {m.orders.map((o) => (
              <tr key={o.id}>
                <td className="font-medium">
                  <Link href={`/orders/${o.id}`} className="text-blue-700 hover:underline">
                    {o.number}
                  </Link>
                </td>
                <td>{o.receiverPerson ?? "—"}</td>
                <td>{o.receiverTown ?? "—"}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td className="max-w-xs" data-testid="manifest-order-transfer">
                  {o.transferState ? (
                    <div className="flex flex-col items-start gap-0.5">
                      <Badge
                        tone={o.transferState === "failed" ? "red" : o.transferState === "sent" ? "green" : "amber"}
                      >
                        {TRANSFER_STATE_TITLES[o.transferState]}
                      </Badge>
                      {o.transferState === "failed" && o.transferError && (
                        <span className="text-xs break-words text-red-700">{o.transferError}</span>
                      )}
                    </div>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </td>
                <td className="text-right tabular-nums">{formatNumber(o.weight)}</td>
                <td className="text-right tabular-nums">{o.quantity}</td>
                {draft && (
                  <td className="text-right">
                    <Button
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50"
                      disabled={remove.isPending && remove.variables?.orderId === o.id}
                      onClick={() => remove.mutate({ manifestId: m.id, orderId: o.id })}
                      aria-label={`Убрать заказ ${o.number} из манифеста`}
                    >
                      Убрать
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function ManifestActions({ manifest: m }: { manifest: Manifest }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [sendDate, setSendDate] = useState(m.sendDate ?? todayIso());
  const [done, setDone] = useState<string | null>(null);
  const assemble = useMutation(
    trpc.manifests.markAssembled.mutationOptions({
      onSuccess: async () => {
        setDone("Манифест скомплектован. Укажите дату отправки, когда передадите его.");
        await refresh();
      },
    }),
  );
  const send = useMutation(
    trpc.manifests.setSendDate.mutationOptions({
      onSuccess: async (r) => {
        const n = r.orderIds.length;
        setDone(
          `Манифест отправлен ${formatDate(r.sendDate)}. Ответственный филиал «${m.responsibleBranchName}» назначен ${n} ${ordersDative(n)}.`,
        );
        await refresh();
      },
    }),
  );
  const err = errorInfo(assemble.error ?? send.error);
  const sendFieldError = err.fields.sendDate?.[0];

  return (
    <Card title="Действия">
      <div className="flex flex-col gap-3">
        {m.state === "draft" && (
          <>
            <p className="text-slate-600">
              Когда все заказы собраны в мешок, отметьте манифест скомплектованным — после этого состав не меняется.
            </p>
            <Button
              onClick={() => {
                setDone(null);
                send.reset();
                assemble.mutate({ id: m.id });
              }}
              disabled={assemble.isPending || m.orders.length === 0}
              title={m.orders.length === 0 ? "В манифесте нет заказов" : undefined}
            >
              {assemble.isPending ? "Сохранение…" : "Скомплектовать"}
            </Button>
          </>
        )}
        {m.state !== "draft" && (
          <form
            className="flex flex-col gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              setDone(null);
              assemble.reset();
              send.mutate({ id: m.id, sendDate });
            }}
          >
            <p className="text-slate-600">
              {m.state === "sent"
                ? "Манифест отправлен. Дату можно исправить — заказы снова получат ответственный филиал манифеста."
                : "При отправке всем заказам манифеста назначается его ответственный филиал."}
            </p>
            <TextField
              label="Дата отправки"
              type="date"
              value={sendDate}
              onChange={(e) => setSendDate(e.target.value)}
              error={sendFieldError}
              required
            />
            <Button type="submit" disabled={send.isPending || !sendDate}>
              {send.isPending ? "Сохранение…" : m.state === "sent" ? "Изменить дату отправки" : "Отправить"}
            </Button>
          </form>
        )}
        {err.message && !sendFieldError && <Alert>{err.message}</Alert>}
        {done && <Alert tone="green">{done}</Alert>}
      </div>
    </Card>
  );
}

/** The partner's waybill and labels of the manifest's orders it holds; the ones left out are named with why. */
function PartnerForms({ manifest: m }: { manifest: Manifest }) {
  const shown = m.printSkipped;
  const count = m.printSkippedCount;
  return (
    <Card title="Формы партнёра">
      <div className="flex flex-col gap-3">
        <PartnerFormLinks target={{ manifestId: m.id }} parts={m.printParts} forms={m.printForms} />
        {m.printParts > 1 && (
          <p className="text-sm text-slate-600">
            Партнёр печатает не больше {PRINT_CHUNK} заказов за раз — формы разбиты на части.
          </p>
        )}
        {shown.length > 0 && (
          <div className="text-sm text-slate-600" data-testid="print-skipped">
            <p>
              Не войдут в формы: {count} {ordersWord(count)}
            </p>
            <ul className="mt-1 list-inside list-disc">
              {shown.map((s, i) => (
                <li key={i}>
                  {s.number} — {s.reason}
                </li>
              ))}
              {count > shown.length && <li>и ещё {count - shown.length}</li>}
            </ul>
          </div>
        )}
      </div>
    </Card>
  );
}

/** Numbers or barcodes one per line, as a scanner types them. */
function ScanOrders({ manifest: m }: { manifest: Manifest }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [text, setText] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const add = useMutation(
    trpc.manifests.addOrders.mutationOptions({
      onSuccess: async (r, vars) => {
        const asked = vars.numbers?.length ?? 0;
        setDone(
          r.added === asked
            ? `Добавлено: ${r.added} ${ordersWord(r.added)}`
            : `Добавлено: ${r.added} ${ordersWord(r.added)}; остальные уже были в этом манифесте`,
        );
        setText("");
        await refresh();
      },
    }),
  );
  const err = errorInfo(add.error);
  const numbers = [
    ...new Set(
      text
        .split(/[\n,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  return (
    <Card title="Добавить по номерам">
      <form
        className="flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          if (numbers.length) add.mutate({ manifestId: m.id, numbers });
        }}
      >
        <TextareaField
          label="Номера или штрихкоды заказов"
          hint="По одному в строке — можно сканировать подряд"
          rows={5}
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={err.fields.numbers}
          className="font-mono"
        />
        <Button type="submit" disabled={add.isPending || numbers.length === 0}>
          {add.isPending ? "Добавление…" : numbers.length > 1 ? `Добавить (${numbers.length})` : "Добавить"}
        </Button>
        {err.message && !err.fields.numbers && <Alert>{err.message}</Alert>}
        {done && <Alert tone="green">{done}</Alert>}
      </form>
    </Card>
  );
}

function PickOrders({ manifest: m }: { manifest: Manifest }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [search, setSearch] = useState("");
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const query = useInfiniteQuery({
    ...trpc.orders.list.infiniteQueryOptions(
      { forManifest: true, search: search.trim() || undefined, limit: 20 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const add = useMutation(
    trpc.manifests.addOrders.mutationOptions({
      onSuccess: async () => {
        setSelected(new Set());
        await refresh();
      },
    }),
  );
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const err = errorInfo(add.error).message;

  return (
    <Card
      title="Заказы без манифеста"
      actions={
        <Button
          onClick={() => add.mutate({ manifestId: m.id, orderIds: [...selected] })}
          disabled={selected.size === 0 || add.isPending}
        >
          {add.isPending ? "Добавление…" : `Добавить выбранные (${selected.size})`}
        </Button>
      }
    >
      <div className="mb-3 flex items-center gap-2">
        <label htmlFor="pick-search" className="text-slate-600">
          Поиск по номеру
        </label>
        <Input
          id="pick-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="w-56"
          placeholder="Начало номера…"
        />
      </div>
      {err && (
        <div className="mb-3">
          <Alert>{err}</Alert>
        </div>
      )}
      <QueryState
        query={query}
        empty={search ? "Ничего не найдено" : "Все заказы уже распределены по манифестам"}
        isEmpty={() => rows.length === 0}
        framed={false}
      >
        {() => (
          <>
            <Table>
              <thead>
                <tr>
                  <th className="w-8" />
                  <th>Номер</th>
                  <th>Клиент</th>
                  <th>Получатель</th>
                  <th>Город</th>
                  <th>Статус</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((o) => (
                  <tr key={o.id} className="cursor-pointer hover:bg-blue-50/50" onClick={() => toggle(o.id)}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Выбрать заказ ${o.number}`}
                        checked={selected.has(o.id)}
                        onChange={() => toggle(o.id)}
                        onClick={(e) => e.stopPropagation()}
                      />
                    </td>
                    <td className="font-medium">{o.number}</td>
                    <td>{o.clientName}</td>
                    <td>{o.receiverPerson ?? o.receiverCompany ?? "—"}</td>
                    <td>{o.receiverTown ?? "—"}</td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {query.hasNextPage && (
              <div className="mt-3 text-right">
                <ShowMoreButton query={query} />
              </div>
            )}
          </>
        )}
      </QueryState>
    </Card>
  );
}
