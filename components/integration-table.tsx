"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorInfo } from "./errors";
import { IntegrationAudit } from "./integration-audit";
import { IntegrationDialog } from "./integration-dialog";
import { formatDateTime, HealthBadge } from "./integration-health";
import { type RouterOutputs, useTRPC } from "./trpc";
import { Alert, Badge, Button, Empty, Spinner, Table } from "./ui";

type Row = RouterOutputs["integrations"]["list"]["items"][number];
type BranchRef = Row["branch"];

/** The «Интеграция» tab: every branch with its integrator, state, health and (later) sync figures. */
export function IntegrationTable() {
  const trpc = useTRPC();
  // Short polling keeps the tab current when a colleague adds a branch or the worker checks health.
  const list = useQuery({ ...trpc.integrations.list.queryOptions(), refetchInterval: 30_000 });
  const [configuring, setConfiguring] = useState<BranchRef | null>(null);
  const [auditing, setAuditing] = useState<BranchRef | null>(null);

  if (list.isPending) return <Spinner />;
  if (list.error) return <Alert>{errorInfo(list.error).message}</Alert>;
  if (list.data.items.length === 0) {
    return <Empty>Филиалов пока нет. Добавьте филиал в разделе «Справочники → Филиалы» — он сразу появится здесь.</Empty>;
  }
  return (
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
            <th>Ждут отправки</th>
            <th>Ошибки</th>
            <th className="text-right">Действия</th>
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((row) => (
            <IntegrationRow key={row.branch.id} row={row} onConfigure={() => setConfiguring(row.branch)} onAudit={() => setAuditing(row.branch)} />
          ))}
        </tbody>
      </Table>
      {configuring && <IntegrationDialog branch={configuring} onClose={() => setConfiguring(null)} />}
      {auditing && <IntegrationAudit branch={auditing} onClose={() => setAuditing(null)} />}
    </>
  );
}

function IntegrationRow({ row, onConfigure, onAudit }: { row: Row; onConfigure: () => void; onAudit: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.integrations.pathKey() });
  const check = useMutation(trpc.integrations.check.mutationOptions({ onSettled: refresh }));
  const toggle = useMutation(trpc.integrations.setEnabled.mutationOptions({ onSettled: refresh }));
  const it = row.integration;
  const actionError = errorInfo(check.error ?? toggle.error).message;
  const dash = <span className="text-slate-400">—</span>;

  return (
    <tr data-testid={`integration-row-${row.branch.code}`}>
      <td className="font-mono">{row.branch.code}</td>
      <td>{row.branch.name}</td>
      <td>{row.branch.town}</td>
      <td>{it ? it.integratorTitle : <span className="text-slate-500">не настроено</span>}</td>
      <td>{it ? it.enabled ? <Badge tone="green">включена</Badge> : <Badge tone="gray">выключена</Badge> : dash}</td>
      <td className="max-w-sm" data-testid="integration-health">
        {it ? (
          <div className="flex flex-col gap-0.5">
            <div className="flex items-center gap-2">
              <HealthBadge status={it.health.status} />
              {it.health.checkedAt && <span className="text-xs text-slate-500">{formatDateTime(it.health.checkedAt)}</span>}
            </div>
            {it.health.message && <span className="text-xs break-words text-slate-700">{it.health.message}</span>}
          </div>
        ) : (
          dash
        )}
      </td>
      <td>{row.sync.lastExchangeAt ? formatDateTime(row.sync.lastExchangeAt) : dash}</td>
      <td>{row.sync.ordersWaiting ?? dash}</td>
      <td>{row.sync.errors ?? dash}</td>
      <td>
        <div className="flex flex-wrap justify-end gap-1">
          <Button variant="secondary" onClick={onConfigure}>
            Настроить
          </Button>
          {it && (
            <>
              <Button variant="secondary" disabled={check.isPending} onClick={() => check.mutate({ branchId: row.branch.id })}>
                {check.isPending ? "Проверяю…" : "Проверить подключение"}
              </Button>
              <Button variant="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate({ branchId: row.branch.id, enabled: !it.enabled })}>
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
