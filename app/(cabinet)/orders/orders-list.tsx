"use client";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { formatDateTime, formatMoney } from "@/components/format";
import { STATUS_OPTIONS, StatusBadge } from "@/components/order-status";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Button, Field, Input, LinkButton, PageHeader, Select, ShowMoreButton, Table } from "@/components/ui";
import { ORDER_STATUS_CODES, type OrderStatus } from "@/server/services/orders/statuses";
import { BulkActions } from "./bulk-actions";

const PAGE_SIZE = 50;
const isDate = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Filters live in the URL (status, client, from, to, q, received, transfer, cod) so a reload or a shared link keeps them. */
function useOrderFilters(isStaff: boolean) {
  const sp = useSearchParams();
  const status = sp.get("status");
  const client = Number(sp.get("client"));
  return {
    status: status && (ORDER_STATUS_CODES as string[]).includes(status) ? (status as OrderStatus) : undefined,
    clientId: Number.isInteger(client) && client > 0 ? client : undefined,
    dateFrom: isDate(sp.get("from")) ? sp.get("from")! : undefined,
    dateTo: isDate(sp.get("to")) ? sp.get("to")! : undefined,
    search: sp.get("q")?.trim() || undefined,
    // Orders handed to us by partner courier companies; only staff see other clients' orders at all.
    received: isStaff && sp.get("received") === "1" ? true : undefined,
    // The dashboard's links: hand-overs to partners waiting or failed (staff only), COD still to collect.
    transfer:
      isStaff && (sp.get("transfer") === "waiting" || sp.get("transfer") === "failed")
        ? (sp.get("transfer") as "waiting" | "failed")
        : undefined,
    codPending: sp.get("cod") === "1" ? true : undefined,
  };
}

export function OrdersList({ isStaff }: { isStaff: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const filters = useOrderFilters(isStaff);
  const [searchText, setSearchText] = useState(filters.search ?? "");

  function setParam(key: string, value: string | undefined) {
    const next = new URLSearchParams(sp.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  }

  // Typing in the number search updates the URL after a short pause, not on every key.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((searchText.trim() || undefined) !== filters.search) setParam("q", searchText.trim() || undefined);
    }, 400);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchText]);

  const clients = useQuery({ ...trpc.clients.list.queryOptions({}), enabled: isStaff, staleTime: 60_000 });
  const query = useInfiniteQuery({
    ...trpc.orders.list.infiniteQueryOptions(
      { ...filters, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const anyFilter = Object.values(filters).some((v) => v !== undefined);
  // Rows picked for the bulk actions (labels, manifest, status, cancel); kept while the filters change, so a selection
  // may gather several searches.
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const toggle = (id: number) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allShown = rows.length > 0 && rows.every((o) => selected.has(o.id));
  const toggleShown = () =>
    setSelected((s) => {
      const next = new Set(s);
      for (const o of rows) {
        if (allShown) next.delete(o.id);
        else next.add(o.id);
      }
      return next;
    });

  return (
    <div>
      <PageHeader
        title={isStaff ? "Заказы" : "Мои заказы"}
        subtitle={isStaff ? "Все заказы клиентов службы" : "Заказы вашего магазина"}
        actions={<LinkButton href="/orders/new">+ Новый заказ</LinkButton>}
      />

      <div className="mb-3 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <Field label="Номер или штрихкод" htmlFor="f-search">
          <Input
            id="f-search"
            type="search"
            placeholder="Начало номера…"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            className="w-48"
          />
        </Field>
        <Field label="Статус" htmlFor="f-status">
          <Select
            id="f-status"
            value={filters.status ?? ""}
            onChange={(e) => setParam("status", e.target.value || undefined)}
            className="w-56"
          >
            <option value="">Все статусы</option>
            {STATUS_OPTIONS.map((s) => (
              <option key={s.code} value={s.code}>
                {s.title}
              </option>
            ))}
          </Select>
        </Field>
        {isStaff && (
          <Field label="Клиент" htmlFor="f-client">
            <Select
              id="f-client"
              value={filters.clientId ?? ""}
              onChange={(e) => setParam("client", e.target.value || undefined)}
              className="w-56"
            >
              <option value="">Все клиенты</option>
              {clients.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {isStaff && (
          <label
            className="flex items-center gap-2 self-end py-1.5"
            title="Заказы, которые передали нам партнёрские курьерские службы"
          >
            <input
              type="checkbox"
              className="h-4 w-4 accent-blue-600"
              checked={filters.received ?? false}
              onChange={(e) => setParam("received", e.target.checked ? "1" : undefined)}
            />
            Полученные от партнёров
          </label>
        )}
        <Field label="Создан с" htmlFor="f-from">
          <Input
            id="f-from"
            type="date"
            value={filters.dateFrom ?? ""}
            onChange={(e) => setParam("from", e.target.value || undefined)}
          />
        </Field>
        <Field label="по" htmlFor="f-to">
          <Input
            id="f-to"
            type="date"
            value={filters.dateTo ?? ""}
            onChange={(e) => setParam("to", e.target.value || undefined)}
          />
        </Field>
        {(filters.transfer || filters.codPending) && (
          <span className="self-end py-1.5 text-blue-700" data-testid="dashboard-filter">
            {filters.transfer === "waiting" && "Ждут у партнёров"}
            {filters.transfer === "failed" && "Ошибки передачи партнёрам"}
            {filters.transfer && filters.codPending && " · "}
            {filters.codPending && "Наложенный платёж к получению"}
          </span>
        )}
        {anyFilter && (
          <Button
            variant="ghost"
            onClick={() => {
              setSearchText("");
              router.replace(pathname, { scroll: false });
            }}
          >
            Сбросить фильтры
          </Button>
        )}
      </div>

      <BulkActions
        isStaff={isStaff}
        filter={filters}
        selectedIds={[...selected]}
        onClear={() => setSelected(new Set())}
      />

      <QueryState
        query={query}
        empty={
          filters.received && Object.values(filters).filter((v) => v !== undefined).length === 1
            ? "Заказов от партнёрских служб пока нет"
            : anyFilter
              ? "Нет заказов по этим фильтрам"
              : "Заказов пока нет"
        }
        isEmpty={() => rows.length === 0}
      >
        {() => (
          <div
            className={query.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}
            aria-busy={query.isPlaceholderData}
          >
            <Table>
              <thead>
                <tr>
                  <th>
                    {/* The checkbox shares the number's column: the row's first cell still reads as its number. */}
                    <span className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        aria-label="Выбрать все показанные заказы"
                        checked={allShown}
                        onChange={toggleShown}
                      />
                      Номер
                    </span>
                  </th>
                  <th>Создан</th>
                  {isStaff && <th>Клиент</th>}
                  <th>Получатель</th>
                  <th>Город</th>
                  <th>Статус</th>
                  <th className="text-right">Наложенный платёж</th>
                  <th>Ответственный филиал</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((o) => (
                  <tr
                    key={o.id}
                    className="cursor-pointer hover:bg-blue-50/50"
                    onClick={() => router.push(`/orders/${o.id}`)}
                    data-testid="order-row"
                  >
                    <td className="whitespace-nowrap font-medium">
                      <span className="flex items-center gap-2">
                        <input
                          type="checkbox"
                          aria-label={`Выбрать заказ ${o.number}`}
                          checked={selected.has(o.id)}
                          onChange={() => toggle(o.id)}
                          onClick={(e) => e.stopPropagation()}
                        />
                        <Link
                          href={`/orders/${o.id}`}
                          className="text-blue-700 hover:underline"
                          onClick={(e) => e.stopPropagation()}
                        >
                          {o.number}
                        </Link>
                      </span>
                    </td>
                    <td className="whitespace-nowrap text-slate-600">{formatDateTime(o.createdAt)}</td>
                    {isStaff && <td data-testid="order-client">{o.clientName}</td>}
                    <td
                      className="max-w-56 truncate"
                      title={[o.receiverPerson, o.receiverCompany].filter(Boolean).join(", ")}
                    >
                      {o.receiverPerson ?? o.receiverCompany ?? "—"}
                    </td>
                    <td>{o.receiverTown ?? "—"}</td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td className="whitespace-nowrap text-right tabular-nums">
                      {Number(o.codAmount) ? (
                        formatMoney(o.codAmount, o.clientCurrency)
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </td>
                    <td>{o.responsibleBranchName ?? <span className="text-slate-400">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <div className="mt-3 flex items-center justify-between text-slate-500">
              <span>Показано заказов: {rows.length}</span>
              {query.hasNextPage ? <ShowMoreButton query={query} /> : <span>Это все заказы</span>}
            </div>
          </div>
        )}
      </QueryState>
    </div>
  );
}
