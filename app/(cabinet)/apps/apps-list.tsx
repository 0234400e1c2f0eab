"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { errorInfo } from "@/components/errors";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, Badge, Button, Table } from "@/components/ui";

/**
 * The shop apps of the company's clients (a client account: its own), each with its state, «Отключить» and the shop
 * orders held with a reason («Ошибки импорта: N», opening the app's page with «Повторить»).
 */
export function ShopAppsList({ isStaff }: { isStaff: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.shopApps.list.queryOptions());
  const toggle = useMutation(
    trpc.shopApps.setEnabled.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.shopApps.list.queryKey() }),
    }),
  );
  return (
    <QueryState
      query={query}
      empty={
        isStaff
          ? "Клиенты пока не подключили ни одного магазина. Клиент устанавливает приложение в своей платформе и входит в него кодом службы, логином и паролем своего кабинета."
          : "Вы пока не подключили магазин. Установите приложение «Курьерская служба» в InSales и войдите в него кодом службы, логином и паролем этого кабинета."
      }
    >
      {(apps) => (
        <div className="flex flex-col gap-3">
          {toggle.error && <Alert>{errorInfo(toggle.error).message}</Alert>}
          <Table>
            <thead>
              <tr>
                <th>Приложение</th>
                <th>Магазин</th>
                {isStaff && <th>Клиент</th>}
                <th>Состояние</th>
                <th>Последний обмен</th>
                <th className="text-right">Ошибок за 24 ч</th>
                <th>Импорт заказов</th>
                <th />
              </tr>
            </thead>
            <tbody data-testid="shop-apps">
              {apps.map((a) => (
                <tr key={a.id}>
                  <td className="font-medium">{a.title}</td>
                  <td>{a.shop ?? "—"}</td>
                  {isStaff && <td>{a.client.name}</td>}
                  <td>{a.enabled ? <Badge tone="green">работает</Badge> : <Badge>отключено</Badge>}</td>
                  <td className="max-w-60">
                    <div className="whitespace-nowrap">{a.lastExchangeAt ? formatDateTime(a.lastExchangeAt) : "—"}</div>
                    {a.lastError && <div className="text-xs break-words text-red-600">{a.lastError}</div>}
                  </td>
                  <td className="text-right tabular-nums">{a.errors24h}</td>
                  <td className="whitespace-nowrap">
                    {a.importErrors > 0 ? (
                      <Link href={`/apps/${a.id}`} className="text-red-700 hover:underline">
                        Ошибки импорта: {a.importErrors}
                      </Link>
                    ) : (
                      <Link href={`/apps/${a.id}`} className="text-slate-500 hover:underline">
                        без ошибок
                      </Link>
                    )}
                  </td>
                  <td className="text-right">
                    <Button
                      variant="secondary"
                      disabled={toggle.isPending}
                      onClick={() => toggle.mutate({ id: a.id, enabled: !a.enabled })}
                    >
                      {a.enabled ? "Отключить" : "Включить"}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </QueryState>
  );
}
