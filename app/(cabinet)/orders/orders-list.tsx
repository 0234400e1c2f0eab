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
import { ORDER_SORTS, SEARCH_KINDS, type OrderSort, type SearchKind } from "@/server/services/orders/schemas";
import { ORDER_STATUS_CODES, type OrderStatus } from "@/server/services/orders/statuses";
import { BulkActions } from "./bulk-actions";

const PAGE_SIZE = 50;
const isDate = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

const SEARCH_KIND_TITLES: Record<SearchKind, string> = {
  all: "Везде",
  number: "Номер",
  barcode: "Штрихкод",
  receiver: "Получатель",
  phone: "Телефон",
  address: "Адрес",
};

/**
 * Filters live in the URL (status, client, from, to, q, kind, received, transfer, cod) so a reload or a shared link
 * keeps them; so do the sorted column and its direction (sort, dir).
 */
function useOrderFilters(isStaff: boolean) {
  const sp = useSearchParams();
  const status = sp.get("status");
  const client = Number(sp.get("client"));
  const kind = sp.get("kind");
  return {
    status: status && (ORDER_STATUS_CODES as string[]).includes(status) ? (status as OrderStatus) : undefined,
    clientId: Number.isInteger(client) && client > 0 ? client : undefined,
    dateFrom: isDate(sp.get("from")) ? sp.get("from")! : undefined,
    dateTo: isDate(sp.get("to")) ? sp.get("to")! : undefined,
    search: sp.get("q")?.trim() || undefined,
    searchKind:
      kind && kind !== "all" && (SEARCH_KINDS as readonly string[]).includes(kind) ? (kind as SearchKind) : undefined,
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

type Filters = ReturnType<typeof useOrderFilters>;

function useOrderSort() {
  const sp = useSearchParams();
  const sort = sp.get("sort");
  return {
    sort: sort && (ORDER_SORTS as readonly string[]).includes(sort) ? (sort as OrderSort) : ("created" as const),
    dir: sp.get("dir") === "asc" ? ("asc" as const) : ("desc" as const),
  };
}

/** «Скачать xlsx / csv»: the list's own (validated) filter and order in the names the export route reads. */
function exportHref(filters: Filters, order: Order, format: "xlsx" | "csv") {
  const q = new URLSearchParams({ format });
  const put = (k: string, v: string | number | boolean | undefined) => {
    if (v !== undefined) q.set(k, v === true ? "1" : String(v));
  };
  put("status", filters.status);
  put("client", filters.clientId);
  put("from", filters.dateFrom);
  put("to", filters.dateTo);
  put("q", filters.search);
  put("kind", filters.searchKind);
  put("received", filters.received);
  put("transfer", filters.transfer);
  put("cod", filters.codPending);
  put("sort", order.sort);
  put("dir", order.dir);
  return `/api/orders/export?${q.toString()}`;
}

type Order = { sort: OrderSort; dir: "asc" | "desc" };

/** Sorts the list by a column: the first click by this column, the next ones turn the direction. */
function SortButton({
  column,
  order,
  onSort,
  children,
}: {
  column: OrderSort;
  order: Order;
  onSort: (sort: OrderSort, dir: "asc" | "desc") => void;
  children: React.ReactNode;
}) {
  const active = order.sort === column;
  // Dates and money read newest and largest first; names and numbers from the start of the alphabet.
  const first = column === "created" || column === "cod" ? "desc" : "asc";
  const next = active ? (order.dir === "asc" ? "desc" : "asc") : first;
  return (
    <button
      type="button"
      className="inline-flex items-center gap-1 hover:text-blue-700"
      onClick={(e) => {
        e.stopPropagation();
        onSort(column, next);
      }}
      title="Сортировать"
      data-testid={`sort-${column}`}
    >
      {children}
      <span aria-hidden className={active ? "text-blue-700" : "text-slate-300"}>
        {active && order.dir === "asc" ? "▲" : "▼"}
      </span>
    </button>
  );
}

const ariaSort = (column: OrderSort, order: Order) =>
  order.sort === column ? (order.dir === "asc" ? "ascending" : "descending") : "none";

function SortHeader(props: Parameters<typeof SortButton>[0] & { className?: string }) {
  return (
    <th className={props.className} aria-sort={ariaSort(props.column, props.order)}>
      <SortButton {...props} />
    </th>
  );
}

export function OrdersList({ isStaff }: { isStaff: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const filters = useOrderFilters(isStaff);
  const order = useOrderSort();
  const [searchText, setSearchText] = useState(filters.search ?? "");

  function setParams(values: Record<string, string | undefined>) {
    const next = new URLSearchParams(sp.toString());
    for (const [key, value] of Object.entries(values)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const qs = next.toString();
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  }
  const setParam = (key: string, value: string | undefined) => setParams({ [key]: value });
  // The default order (newest first) stays out of the URL.
  const setSort = (sort: OrderSort, dir: "asc" | "desc") =>
    setParams(sort === "created" && dir === "desc" ? { sort: undefined, dir: undefined } : { sort, dir });

  // Typing in the search updates the URL after a short pause, not on every key.
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
      { ...filters, ...order, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const total = query.data?.pages[0]?.total;
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
        <Field label="Номер или штрихкод, получатель, телефон, адрес" htmlFor="f-search">
          <Input
            id="f-search"
            type="search"
            placeholder="Любая часть, телефон в любом виде…"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            className="w-80"
          />
        </Field>
        <Field label="Искать в" htmlFor="f-kind">
          <Select
            id="f-kind"
            value={filters.searchKind ?? "all"}
            onChange={(e) => setParam("kind", e.target.value === "all" ? undefined : e.target.value)}
            className="w-36"
          >
            {SEARCH_KINDS.map((k) => (
              <option key={k} value={k}>
                {SEARCH_KIND_TITLES[k]}
              </option>
            ))}
          </Select>
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

      <div className="mb-2 flex flex-wrap items-center justify-between gap-3 text-slate-600">
        <span data-testid="orders-total">
          {total &&
            (total.more
              ? `Найдено больше ${total.count.toLocaleString("ru-RU")} — уточните поиск или фильтры`
              : `Найдено: ${total.count.toLocaleString("ru-RU")}`)}
        </span>
        {/* Downloads of the whole filter, in the list's order (streamed by the route, not built here). */}
        <span className="flex gap-3">
          <a href={exportHref(filters, order, "xlsx")} className="text-blue-700 hover:underline" download>
            Скачать xlsx
          </a>
          <a href={exportHref(filters, order, "csv")} className="text-blue-700 hover:underline" download>
            Скачать csv
          </a>
        </span>
      </div>

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
                  <th aria-sort={ariaSort("number", order)}>
                    {/* The checkbox shares the number's column: the row's first cell still reads as its number. */}
                    <span className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        aria-label="Выбрать все показанные заказы"
                        checked={allShown}
                        onChange={toggleShown}
                      />
                      <SortButton column="number" order={order} onSort={setSort}>
                        Номер
                      </SortButton>
                    </span>
                  </th>
                  <SortHeader column="created" order={order} onSort={setSort}>
                    Создан
                  </SortHeader>
                  {isStaff && <th>Клиент</th>}
                  <SortHeader column="receiver" order={order} onSort={setSort}>
                    Получатель
                  </SortHeader>
                  <th>Город</th>
                  <SortHeader column="status" order={order} onSort={setSort}>
                    Статус
                  </SortHeader>
                  <SortHeader column="cod" order={order} onSort={setSort} className="text-right">
                    Наложенный платёж
                  </SortHeader>
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
