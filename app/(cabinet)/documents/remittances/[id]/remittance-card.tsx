"use client";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatDate, formatDateTime, formatMoney } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Badge, Card, DetailList, PageHeader, ShowMoreButton, Table } from "@/components/ui";
import { LineStateBadge } from "../line-state";

type Filter = "all" | "problems" | "matched";
type Remittance = RouterOutputs["remittances"]["get"];

/** An incoming remittance document: the registry's figures, then its lines with what did not match. */
export function RemittanceCard({ id }: { id: number }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.remittances.get.queryOptions({ id }));
  return <QueryState query={query}>{(d) => <RemittanceView d={d} />}</QueryState>;
}

function RemittanceView({ d }: { d: Remittance }) {
  const problems = d.counts.mismatch + d.counts.unknown;

  return (
    <div>
      <div className="mb-1 text-slate-500">
        <Link href="/documents/remittances" className="hover:underline">
          ← Входящие АПД
        </Link>
      </div>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            Входящий АПД: реестр СДЭК № {d.number}
            {problems || d.problem ? <Badge tone="amber">Есть расхождения</Badge> : <Badge tone="green">Сошёлся</Badge>}
          </span>
        }
        subtitle={`Загружен ${formatDateTime(d.createdAt)}${d.createdByName ? ` · ${d.createdByName}` : ""}`}
      />
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          {d.problem && <Alert tone="amber">{d.problem}</Alert>}
          <Lines id={d.id} counts={d.counts} />
        </div>
        <div className="flex flex-col gap-4">
          <Card title="Реестр">
            <DetailList
              items={[
                ["Номер реестра", d.number],
                ["Дата платежа", d.paymentDate ? formatDate(d.paymentDate) : null],
                ["Платёжное поручение", d.paymentOrderNumber],
                ["Сумма реестра", formatMoney(d.total)],
                ["Наложенный платёж", formatMoney(d.codTotal)],
                ["К перечислению", formatMoney(d.transferTotal)],
                ["Агентское вознаграждение", formatMoney(d.commissionTotal)],
                ["Строк", d.lineCount],
                ["Интеграция", d.integrationLabel],
                ["Источник", d.source === "file" ? `Файл «${d.fileName ?? ""}»` : "Получен из СДЭК"],
              ]}
            />
          </Card>
          <Card title="Сверка">
            <DetailList
              items={[
                [
                  "Совпали",
                  <Badge key="m" tone="green">
                    {d.counts.matched}
                  </Badge>,
                ],
                [
                  "Расхождения",
                  <Badge key="x" tone="amber">
                    {d.counts.mismatch}
                  </Badge>,
                ],
                [
                  "Не найдены",
                  <Badge key="u" tone="red">
                    {d.counts.unknown}
                  </Badge>,
                ],
              ]}
            />
          </Card>
        </div>
      </div>
    </div>
  );
}

function Lines({ id, counts }: { id: number; counts: { matched: number; mismatch: number; unknown: number } }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>(counts.mismatch + counts.unknown > 0 ? "problems" : "all");
  const query = useInfiniteQuery({
    ...trpc.remittances.lines.infiniteQueryOptions(
      { id, filter, limit: 200 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const filters: [Filter, string][] = [
    ["problems", `Расхождения и не найденные (${counts.mismatch + counts.unknown})`],
    ["matched", `Совпали (${counts.matched})`],
    ["all", "Все"],
  ];
  return (
    <Card title="Строки реестра">
      <div className="mb-3 flex flex-wrap gap-1" role="group" aria-label="Строки">
        {filters.map(([f, label]) => (
          <button
            key={f}
            type="button"
            aria-pressed={filter === f}
            onClick={() => setFilter(f)}
            className={`rounded-md px-3 py-1.5 ${filter === f ? "bg-blue-600 text-white" : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-100"}`}
          >
            {label}
          </button>
        ))}
      </div>
      <QueryState query={query} empty="Таких строк нет" isEmpty={() => rows.length === 0}>
        {() => (
          <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
            <Table>
              <thead>
                <tr>
                  <th>Строка</th>
                  <th>Заказ СДЭК</th>
                  <th>Наш заказ</th>
                  <th>Сверка</th>
                  <th className="text-right">Наложенный платёж</th>
                  <th className="text-right">Ожидали</th>
                  <th className="text-right">К перечислению</th>
                  <th className="text-right">Агентское</th>
                  <th>Проблема</th>
                </tr>
              </thead>
              <tbody data-testid="remittance-lines">
                {rows.map((l) => (
                  <tr key={l.id}>
                    <td className="tabular-nums text-slate-500">{l.lineNo}</td>
                    <td className="tabular-nums">{l.cdekNumber}</td>
                    <td>
                      {l.orderId ? (
                        <Link href={`/orders/${l.orderId}`} className="text-blue-700 hover:underline">
                          {l.orderNumber ?? l.orderId}
                        </Link>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </td>
                    <td>
                      <LineStateBadge state={l.state} />
                    </td>
                    <td className="text-right tabular-nums">{formatMoney(l.codCollected)}</td>
                    <td className="text-right tabular-nums">
                      {l.codExpected === null ? "—" : formatMoney(l.codExpected)}
                    </td>
                    <td className="text-right tabular-nums">{formatMoney(l.transferSum)}</td>
                    <td className="text-right tabular-nums">{formatMoney(l.commission)}</td>
                    <td className="text-slate-700">{l.problem}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {query.hasNextPage && (
              <div className="mt-3 text-right">
                <ShowMoreButton query={query} />
              </div>
            )}
          </div>
        )}
      </QueryState>
    </Card>
  );
}
