"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { errorInfo } from "@/components/errors";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { type RouterOutputs, useTRPC } from "@/components/trpc";
import { Alert, Badge, Button, PageHeader, ShowMoreButton, Table } from "@/components/ui";
import { RETRY_IMPORT_MAX } from "@/server/services/shop-apps/apps-schemas";

type RetryResult = RouterOutputs["shopApps"]["retryImport"];

/** «1 заказ / 2 заказа / 5 заказов» */
const ordersWord = (n: number) => {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return "заказ";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return "заказа";
  return "заказов";
};

/** What «Повторить» did: imported, cancelled by the shop meanwhile, still held (with the new reasons), or stopped. */
function RetrySummary({ r }: { r: RetryResult }) {
  if (r.tried === 0) return <Alert tone="blue">Нечего повторять: заказы уже не ждут импорта.</Alert>;
  const parts = [`Повторено: ${r.tried} ${ordersWord(r.tried)}`, `импортировано: ${r.imported}`];
  if (r.cancelled > 0) parts.push(`отменено в магазине: ${r.cancelled}`);
  parts.push(`осталось с ошибкой: ${r.held.length}`);
  return (
    <Alert tone={r.stopped ? "red" : r.held.length > 0 ? "amber" : "green"}>
      <p>{parts.join(", ")}.</p>
      {r.stopped && <p className="mt-1">{r.stopped}. Повторите позже.</p>}
      {r.held.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-sm">
          {r.held.slice(0, 10).map((h) => (
            <li key={h.id}>
              {h.number}: {h.error}
            </li>
          ))}
          {r.held.length > 10 && <li>и ещё {r.held.length - 10} — в списке ниже</li>}
        </ul>
      )}
    </Alert>
  );
}

/**
 * The shop orders of one app that did not come in (no phone, unknown town, an edit refused once the order is in
 * work), each with the reason; «Повторить» reads them again from the shop and imports what passes now.
 */
export function ImportErrors({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(
    trpc.shopApps.importErrors.infiniteQueryOptions(
      { id, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const retry = useMutation(
    trpc.shopApps.retryImport.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.shopApps.importErrors.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.shopApps.list.queryKey() }),
        ]),
    }),
  );
  const app = query.data?.pages[0]?.app;
  const items = query.data?.pages.flatMap((p) => p.items);
  const title = app ? `${app.title}${app.shop ? ` · ${app.shop}` : ""}` : "Приложение";

  return (
    <div className="flex flex-col gap-3">
      <div className="text-slate-500">
        <Link href="/apps" className="hover:underline">
          ← Приложения
        </Link>
      </div>
      <PageHeader
        title={`Ошибки импорта — ${title}`}
        subtitle={
          app
            ? app.canRetry
              ? `Клиент: ${app.clientName}. Заказы магазина, которые не прошли проверку: исправьте их в магазине или в справочниках и нажмите «Повторить».`
              : `Клиент: ${app.clientName}. Заказы, которые не прошли проверку: исправьте их в ${app.title} (или справочники здесь) и сохраните заказ в ${app.title} ещё раз.`
            : undefined
        }
        actions={
          items && items.length > 0 && app?.canRetry ? (
            <Button disabled={retry.isPending || app?.enabled === false} onClick={() => retry.mutate({ id })}>
              {retry.isPending ? "Повторяем…" : "Повторить все"}
            </Button>
          ) : undefined
        }
      />
      {app && !app.enabled && (
        <Alert tone="amber">Приложение отключено: включите его на странице «Приложения», чтобы повторить импорт.</Alert>
      )}
      {retry.error && <Alert>{errorInfo(retry.error).message}</Alert>}
      {retry.data && <RetrySummary r={retry.data} />}
      <QueryState query={{ ...query, data: items }} empty="Ошибок импорта нет: все заказы магазина приняты.">
        {(rows) => (
          <>
            <Table>
              <thead>
                <tr>
                  <th>Заказ магазина</th>
                  <th>Причина</th>
                  <th>Когда</th>
                  <th>Статус в магазине</th>
                  <th />
                </tr>
              </thead>
              <tbody data-testid="import-errors">
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td className="font-medium whitespace-nowrap">
                      {r.orderId ? (
                        <Link href={`/orders/${r.orderId}`} className="text-blue-700 hover:underline">
                          {r.number}
                        </Link>
                      ) : (
                        r.number
                      )}
                    </td>
                    <td className="max-w-md break-words text-red-700">{r.error}</td>
                    <td className="whitespace-nowrap">{formatDateTime(r.at)}</td>
                    <td>{r.shopStatus ? <Badge>{r.shopStatus}</Badge> : "—"}</td>
                    <td className="text-right">
                      {app?.canRetry && (
                        <Button
                          variant="secondary"
                          disabled={retry.isPending || app?.enabled === false}
                          onClick={() => retry.mutate({ id, inboundIds: [r.id] })}
                        >
                          Повторить
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <ShowMoreButton query={query} />
            <p className="text-xs text-slate-500">
              «Повторить все» читает из магазина не больше {RETRY_IMPORT_MAX} заказов за раз.
            </p>
          </>
        )}
      </QueryState>
    </div>
  );
}
