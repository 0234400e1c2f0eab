"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorInfo } from "@/components/errors";
import { useTRPC } from "@/components/trpc";
import { Alert, Button, Card, SelectField } from "@/components/ui";

/**
 * Demo mode only (the InSales stand-in runs beside `npm start`): link the stand-in's «Демо-магазин» to a client in one
 * click, then make shop orders that come in by themselves.
 */
export function DemoShopCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const clients = useQuery(trpc.clients.list.queryOptions({}));
  const [clientId, setClientId] = useState<number | null>(null);
  const chosen = clientId ?? clients.data?.find((c) => c.name === "Демо-магазин")?.id ?? clients.data?.[0]?.id ?? null;
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.shopApps.list.queryKey() });
  const link = useMutation(trpc.shopApps.linkDemo.mutationOptions({ onSuccess: refresh }));
  const order = useMutation(trpc.shopApps.demoOrder.mutationOptions());
  const error = link.error ?? order.error;
  return (
    <Card title="Демо: магазин на InSales">
      <p className="text-slate-700">
        Рядом с демо работает заглушка InSales с магазином demo-shop.myinsales.ru. Подключите его к клиенту — как это
        сделал бы владелец магазина на странице приложения — и создайте в нём заказ: он придёт сюда сам, а статусы уйдут
        обратно в магазин.
      </p>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <div className="min-w-64">
          <SelectField
            label="Клиент"
            value={chosen ?? ""}
            onChange={(e) => setClientId(Number(e.target.value))}
            disabled={!clients.data?.length}
          >
            {clients.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
        </div>
        <Button disabled={!chosen || link.isPending} onClick={() => chosen && link.mutate({ clientId: chosen })}>
          {link.isPending ? "Подключаем…" : "Подключить демо-магазин"}
        </Button>
        <Button variant="secondary" disabled={order.isPending} onClick={() => order.mutate()}>
          {order.isPending ? "Создаём…" : "Создать заказ в демо-магазине"}
        </Button>
      </div>
      {error && (
        <div className="mt-3">
          <Alert>{errorInfo(error).message}</Alert>
        </div>
      )}
      {link.data && !order.data && (
        <div className="mt-3">
          <Alert tone="green">
            Магазин {link.data.shop} подключён к клиенту «{link.data.clientName}»: заказы в статусе «Согласован» придут
            с префиксом IS-.
          </Alert>
        </div>
      )}
      {order.data && (
        <div className="mt-3">
          <Alert tone="green">
            В магазине создан заказ №{order.data.shopNumber} в статусе передачи: через несколько секунд он появится в
            «Заказах» клиента с номером {order.data.ourNumber}.
          </Alert>
        </div>
      )}
    </Card>
  );
}
