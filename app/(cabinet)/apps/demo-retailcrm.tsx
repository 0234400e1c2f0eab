"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorInfo } from "@/components/errors";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card } from "@/components/ui";

/**
 * Demo mode only (the RetailCRM stand-in runs beside `npm start`): connect its demo CRM as a shop would from the
 * Marketplace, then save orders there that come in through our module.
 */
export function DemoRetailCrmCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const info = useQuery(trpc.shopApps.retailCrmDemo.queryOptions());
  const order = useMutation(
    trpc.shopApps.retailCrmDemoOrder.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.shopApps.list.queryKey() }),
    }),
  );
  return (
    <Card title="Демо: RetailCRM">
      {info.error && <Alert>{errorInfo(info.error).message}</Alert>}
      {info.data && (
        <div className="flex flex-col gap-3 text-slate-700">
          {info.data.connected ? (
            <p>Демо-RetailCRM ({info.data.account}) подключена. Сохраните в ней заказ — он придёт сюда через модуль.</p>
          ) : (
            <p>
              Рядом с демо работает заглушка RetailCRM ({info.data.account}). Откройте страницу подключения, как её
              открывает Маркетплейс RetailCRM, и введите API-ключ <code>{info.data.apiKey}</code>, код службы, логин и
              пароль клиента (например, 101, <code>shop</code> / <code>shop</code> — клиент «Демо-магазин»).
            </p>
          )}
          <div className="flex flex-wrap gap-3">
            <a
              className="rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-50"
              href={info.data.connectUrl}
              target="_blank"
              rel="noopener"
            >
              Открыть подключение RetailCRM
            </a>
            <Button
              variant="secondary"
              disabled={!info.data.connected || order.isPending}
              onClick={() => order.mutate()}
            >
              {order.isPending ? "Сохраняем…" : "Сохранить заказ в демо-RetailCRM"}
            </Button>
          </div>
          {order.error && <Alert>{errorInfo(order.error).message}</Alert>}
          {order.data && (
            <Alert tone="green">
              Заказ {order.data.crmNumber} сохранён в RetailCRM и принят службой (доставка №{order.data.deliveryId}): он
              уже в «Заказах» клиента.
            </Alert>
          )}
        </div>
      )}
    </Card>
  );
}
