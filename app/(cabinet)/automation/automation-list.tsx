"use client";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Badge, LinkButton, Table } from "@/components/ui";

/** Every app the caller may configure, each with «Настроить». */
export function AutomationList({ isStaff }: { isStaff: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.shopApps.list.queryOptions());
  return (
    <QueryState
      query={query}
      empty="Настраивать пока нечего: приложения появятся здесь, когда магазин подключится к службе (раздел «Приложения»)."
    >
      {(apps) => (
        <Table>
          <thead>
            <tr>
              <th>Приложение</th>
              <th>Магазин</th>
              {isStaff && <th>Клиент</th>}
              <th>Состояние</th>
              <th />
            </tr>
          </thead>
          <tbody data-testid="automation-apps">
            {apps.map((a) => (
              <tr key={a.id}>
                <td className="font-medium">{a.title}</td>
                <td>{a.shop ?? "—"}</td>
                {isStaff && <td>{a.client.name}</td>}
                <td>{a.enabled ? <Badge tone="green">Включено</Badge> : <Badge>Отключено</Badge>}</td>
                <td className="text-right">
                  <LinkButton href={`/automation/${a.id}`} variant="secondary">
                    Настроить
                  </LinkButton>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </QueryState>
  );
}
