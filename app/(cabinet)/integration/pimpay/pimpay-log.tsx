"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Badge, Card, ShowMoreButton, Table } from "@/components/ui";

/** Every batch sent to PimPay and every order it refused, newest first. */
export function PimPayLog() {
  const trpc = useTRPC();
  const [onlyErrors, setOnlyErrors] = useState(false);
  const query = useInfiniteQuery(
    trpc.pimpay.log.infiniteQueryOptions(
      { limit: 50, onlyErrors },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = query.data?.pages.flatMap((p) => p.items);
  return (
    <Card
      title="Журнал PimPay"
      actions={
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.target.checked)} />
          Только ошибки
        </label>
      }
    >
      <QueryState query={{ ...query, data: items }} empty="Обменов с PimPay пока не было.">
        {(rows) => (
          <>
            <Table>
              <thead>
                <tr>
                  <th>Когда</th>
                  <th>Итог</th>
                  <th>Запрос</th>
                  <th>Ответ</th>
                  <th>Заказ</th>
                </tr>
              </thead>
              <tbody data-testid="pimpay-log">
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td className="whitespace-nowrap">{formatDateTime(r.at)}</td>
                    <td>{r.ok ? <Badge tone="green">принято</Badge> : <Badge tone="red">ошибка</Badge>}</td>
                    <td className="max-w-xs break-words">{r.request}</td>
                    <td className="max-w-md break-words">{r.result}</td>
                    <td>
                      {r.orderId ? (
                        <Link className="text-blue-700 hover:underline" href={`/orders/${r.orderId}`}>
                          {r.orderNumber ?? r.orderId}
                        </Link>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <ShowMoreButton query={query} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
