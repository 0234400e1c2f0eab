"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Badge, Field, PageHeader, Select, ShowMoreButton, Table } from "@/components/ui";

const KINDS = {
  failed: { label: "Неверный пароль", tone: "gray" },
  blocked: { label: "Заблокирован", tone: "red" },
  slowed: { label: "Замедлен", tone: "amber" },
} as const;

const DOORS = { cabinet: "Кабинет", xmlapi: "XML API", "shop-app": "Приложение магазина" } as const;

type Filter = "refused" | "failed" | "all";

export function SecurityJournal() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>("refused");
  const query = useInfiniteQuery(
    trpc.security.events.infiniteQueryOptions(
      { kind: filter === "all" ? undefined : filter, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = query.data?.pages.flatMap((p) => p.items);

  return (
    <div>
      <PageHeader
        title="Безопасность"
        subtitle={
          "Журнал входов: неудачные, заблокированные и замедленные попытки входа в кабинет и в XML API вашей службы"
        }
      />
      <div className="mb-3 flex items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <Field label="Показать" htmlFor="security-filter">
          <Select id="security-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="refused">Заблокированные и замедленные</option>
            <option value="failed">Неверные пароли</option>
            <option value="all">Все события</option>
          </Select>
        </Field>
        <p className="max-w-xl text-xs text-slate-500">
          После 5 неудачных попыток с одного адреса вход под этим логином с него блокируется на 15 минут; попытки с
          других адресов лишь замедляются, так что верный пароль с чистого адреса всегда проходит. Строка — одно
          сочетание логина и адреса за 15 минут.
        </p>
      </div>
      <QueryState query={{ ...query, data: items }} empty="Событий нет">
        {(rows) => (
          <>
            <Table>
              <thead>
                <tr>
                  <th>Когда</th>
                  <th>Событие</th>
                  <th>Логин</th>
                  <th>IP-адрес</th>
                  <th>Вход</th>
                  <th>Попыток</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.id}>
                    <td className="whitespace-nowrap tabular-nums">
                      {formatDateTime(e.lastAt)}
                      {e.count > 1 && <span className="text-slate-400"> (с {formatDateTime(e.firstAt)})</span>}
                    </td>
                    <td>
                      <Badge tone={KINDS[e.kind].tone}>{KINDS[e.kind].label}</Badge>
                    </td>
                    <td className="font-mono text-xs">{e.login}</td>
                    <td className="font-mono text-xs">{e.ip}</td>
                    <td>{DOORS[e.door]}</td>
                    <td className="tabular-nums">{e.count}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <ShowMoreButton query={query} />
          </>
        )}
      </QueryState>
    </div>
  );
}
