"use client";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDate, formatDateTime, formatMoney } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Badge, Button, PageHeader, ShowMoreButton, Table } from "@/components/ui";
import { LoadRegistry } from "./load-registry";

export function RemittancesPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const [loading, setLoading] = useState(false);
  const query = useInfiniteQuery({
    ...trpc.remittances.list.infiniteQueryOptions(
      { limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div>
      <PageHeader
        title="Входящие АПД"
        subtitle="Реестры наложенных платежей СДЭК: что СДЭК собрал с получателей, удержал и перечислил"
        actions={
          !loading && (
            <Button type="button" onClick={() => setLoading(true)}>
              Загрузить отчёт СДЭК
            </Button>
          )
        }
      />
      {loading && (
        <div className="mb-4">
          <LoadRegistry onClose={() => setLoading(false)} />
        </div>
      )}
      <QueryState query={query} empty="Реестров пока нет" isEmpty={() => rows.length === 0}>
        {() => (
          <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
            <Table>
              <thead>
                <tr>
                  <th>Реестр</th>
                  <th>Дата платежа</th>
                  <th>Платёжное поручение</th>
                  <th className="text-right">К перечислению</th>
                  <th className="text-right">Наложенный платёж</th>
                  <th className="text-right">Агентское</th>
                  <th className="text-right">Строк</th>
                  <th>Расхождения</th>
                  <th>Загружен</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr
                    key={d.id}
                    className="cursor-pointer hover:bg-blue-50/50"
                    onClick={() => router.push(`/documents/remittances/${d.id}`)}
                  >
                    <td className="font-medium">
                      <Link
                        href={`/documents/remittances/${d.id}`}
                        className="text-blue-700 hover:underline"
                        onClick={(e) => e.stopPropagation()}
                      >
                        № {d.number}
                      </Link>
                    </td>
                    <td>{d.paymentDate ? formatDate(d.paymentDate) : <span className="text-slate-400">—</span>}</td>
                    <td>{d.paymentOrderNumber ?? <span className="text-slate-400">—</span>}</td>
                    <td className="text-right tabular-nums">{formatMoney(d.total)}</td>
                    <td className="text-right tabular-nums">{formatMoney(d.codTotal)}</td>
                    <td className="text-right tabular-nums">{formatMoney(d.commissionTotal)}</td>
                    <td className="text-right tabular-nums">{d.lineCount}</td>
                    <td>
                      {d.problemCount || d.problem ? (
                        <Badge tone="amber">{d.problemCount ? `${d.problemCount}` : "по сумме"}</Badge>
                      ) : (
                        <Badge tone="green">нет</Badge>
                      )}
                    </td>
                    <td className="text-slate-600">{formatDateTime(d.createdAt)}</td>
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
    </div>
  );
}
