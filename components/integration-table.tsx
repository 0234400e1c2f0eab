"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorInfo } from "./errors";
import { IntegrationAudit } from "./integration-audit";
import { IntegrationDialog } from "./integration-dialog";
import { formatDateTime, HealthBadge } from "./integration-health";
import { QueryState } from "./query-state";
import { type RouterOutputs, useTRPC } from "./trpc";
import { Badge, Button, Table } from "./ui";

type Row = RouterOutputs["integrations"]["list"]["items"][number];
type BranchRef = Row["branch"];

/** «3 мин», «2 ч 5 мин», «1 д 4 ч»: how long the oldest order has been waiting. */
export function formatAge(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 60) return `${min} мин`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} ч ${min % 60} мин` : `${h} ч`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} д ${h % 24} ч` : `${d} д`;
}

/** The current time, ticking, so ages on the tab grow between refetches without reading the clock in render. */
function useNow(everyMs: number) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** The «Интеграция» tab: every branch with its integrator, state, health and exchange figures. */
export function IntegrationTable() {
  const trpc = useTRPC();
  // The exchange moves by the second (queue, errors, stalls), so the open tab polls often; it stops in a hidden tab.
  const list = useQuery({ ...trpc.integrations.list.queryOptions(), refetchInterval: 5_000 });
  const now = useNow(5_000);
  const [configuring, setConfiguring] = useState<BranchRef | null>(null);
  const [auditing, setAuditing] = useState<BranchRef | null>(null);

  return (
    <QueryState
      query={list}
      isEmpty={(d) => d.items.length === 0}
      empty="Филиалов пока нет. Добавьте филиал в разделе «Справочники → Филиалы» — он сразу появится здесь."
      framed={false}
    >
      {(data) => (
        <>
          <Table>
            <thead>
              <tr>
                <th>Код</th>
                <th>Филиал</th>
                <th>Город</th>
                <th>Интегратор</th>
                <th>Состояние</th>
                <th>Подключение</th>
                <th>Последний обмен</th>
                <th>Ждут передачи</th>
                <th className="text-right">Ошибок за 24 ч</th>
                <th className="text-right">Не переданы</th>
                <th className="text-right">Действия</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <IntegrationRow
                  key={row.branch.id}
                  row={row}
                  now={now}
                  promiseMinutes={data.promiseMinutes}
                  onConfigure={() => setConfiguring(row.branch)}
                  onAudit={() => setAuditing(row.branch)}
                />
              ))}
            </tbody>
          </Table>
          {configuring && <IntegrationDialog branch={configuring} onClose={() => setConfiguring(null)} />}
          {auditing && <IntegrationAudit branch={auditing} onClose={() => setAuditing(null)} />}
        </>
      )}
    </QueryState>
  );
}

function IntegrationRow({
  row,
  now,
  promiseMinutes,
  onConfigure,
  onAudit,
}: {
  row: Row;
  now: number;
  promiseMinutes: number;
  onConfigure: () => void;
  onAudit: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.integrations.pathKey() });
  const check = useMutation(trpc.integrations.check.mutationOptions({ onSettled: refresh }));
  const toggle = useMutation(trpc.integrations.setEnabled.mutationOptions({ onSettled: refresh }));
  const it = row.integration;
  const actionError = errorInfo(check.error ?? toggle.error).message;
  const dash = <span className="text-slate-400">—</span>;
  const sync = row.sync;
  const oldestAgeMs = sync.oldestWaitingAt ? now - new Date(sync.oldestWaitingAt).getTime() : 0;
  const late = sync.ordersWaiting > 0 && oldestAgeMs > promiseMinutes * 60_000;

  return (
    <tr
      data-testid={`integration-row-${row.branch.code}`}
      className={it && sync.stalled ? "bg-red-50" : undefined}
      data-stalled={it && sync.stalled ? "true" : undefined}
    >
      <td className="font-mono whitespace-nowrap">{row.branch.code}</td>
      <td>{row.branch.name}</td>
      <td>{row.branch.town}</td>
      <td>{it ? it.integratorTitle : <span className="text-slate-500">не настроено</span>}</td>
      <td>
        {it ? (
          <div className="flex flex-col items-start gap-1">
            {it.enabled ? <Badge tone="green">включена</Badge> : <Badge tone="gray">выключена</Badge>}
            {sync.stalled && (
              <span className="whitespace-nowrap">
                <Badge tone="red">Обмен остановился</Badge>
              </span>
            )}
          </div>
        ) : (
          dash
        )}
      </td>
      <td className="max-w-sm">
        {it ? (
          <div className="flex flex-col gap-0.5">
            <div className="flex flex-col gap-0.5" data-testid="integration-health">
              <div className="flex items-center gap-2">
                <HealthBadge status={it.health.status} />
                {it.health.checkedAt && (
                  <span className="text-xs text-slate-500">{formatDateTime(it.health.checkedAt)}</span>
                )}
              </div>
              {it.health.message && <span className="text-xs break-words text-slate-700">{it.health.message}</span>}
            </div>
            {sync.notifications && (
              <span
                className={`text-xs break-words ${sync.notifications.ok ? "text-slate-500" : "text-amber-700"}`}
                data-testid="integration-notifications"
              >
                {sync.notifications.message}
              </span>
            )}
          </div>
        ) : (
          dash
        )}
      </td>
      <td className="max-w-60" data-testid="sync-last">
        <div className="whitespace-nowrap">{sync.lastExchangeAt ? formatDateTime(sync.lastExchangeAt) : dash}</div>
        {sync.lastError && (
          <div className="line-clamp-2 text-xs break-words text-red-600" title={sync.lastError}>
            {sync.lastError}
          </div>
        )}
      </td>
      <td className="whitespace-nowrap tabular-nums" data-testid="sync-waiting">
        {it ? (
          <>
            {sync.ordersWaiting}
            {sync.ordersWaiting > 0 && sync.oldestWaitingAt && " "}
            {sync.ordersWaiting > 0 && sync.oldestWaitingAt && (
              <span
                className={`text-xs ${late ? "font-medium text-red-600" : "text-slate-500"}`}
                title={`Самый старый ждёт с ${formatDateTime(sync.oldestWaitingAt)}; обещание — ${promiseMinutes} мин`}
              >
                {formatAge(oldestAgeMs)}
              </span>
            )}
          </>
        ) : (
          dash
        )}
      </td>
      <td className="text-right tabular-nums" data-testid="sync-errors">
        {it ? sync.errors : dash}
      </td>
      <td
        className={`text-right tabular-nums ${sync.ordersFailed > 0 ? "font-medium text-red-600" : ""}`}
        data-testid="sync-failed"
      >
        {it ? sync.ordersFailed : dash}
      </td>
      <td>
        <div className="flex flex-wrap justify-end gap-1">
          <Button variant="secondary" onClick={onConfigure}>
            Настроить
          </Button>
          {it && (
            <>
              <Button
                variant="secondary"
                disabled={check.isPending}
                onClick={() => check.mutate({ branchId: row.branch.id })}
              >
                {check.isPending ? "Проверяю…" : "Проверить подключение"}
              </Button>
              <Button
                variant="secondary"
                disabled={toggle.isPending}
                onClick={() => toggle.mutate({ branchId: row.branch.id, enabled: !it.enabled })}
              >
                {it.enabled ? "Выключить" : "Включить"}
              </Button>
            </>
          )}
          <Button variant="ghost" onClick={onAudit}>
            Журнал
          </Button>
        </div>
        {actionError && (
          <p role="alert" className="mt-1 text-right text-xs text-red-600">
            {actionError}
          </p>
        )}
      </td>
    </tr>
  );
}
