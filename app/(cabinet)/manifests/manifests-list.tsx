"use client";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDate, formatDateTime } from "@/components/format";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { LinkButton, PageHeader, ShowMoreButton, Table } from "@/components/ui";
import { MANIFEST_STATE_TITLES } from "@/server/services/manifests/schemas";
import { type ManifestState, ManifestStateBadge } from "./state-badge";

export function ManifestsList() {
  const trpc = useTRPC();
  const router = useRouter();
  const [state, setState] = useState<ManifestState | undefined>(undefined);
  const query = useInfiniteQuery({
    ...trpc.manifests.list.infiniteQueryOptions(
      { state, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const filters: { id: ManifestState | undefined; label: string }[] = [
    { id: undefined, label: "Все" },
    ...(Object.entries(MANIFEST_STATE_TITLES) as [ManifestState, string][]).map(([id, label]) => ({ id, label })),
  ];

  return (
    <div>
      <PageHeader
        title="Манифесты"
        subtitle="Мешки и партии заказов, передаваемые между филиалами"
        actions={<LinkButton href="/manifests/new">+ Новый манифест</LinkButton>}
      />
      <div className="mb-3 flex gap-1" role="group" aria-label="Состояние">
        {filters.map((f) => (
          <button
            key={f.label}
            type="button"
            aria-pressed={state === f.id}
            onClick={() => setState(f.id)}
            className={`rounded-md px-3 py-1.5 ${state === f.id ? "bg-blue-600 text-white" : "border border-slate-300 bg-white text-slate-700 hover:bg-slate-100"}`}
          >
            {f.label}
          </button>
        ))}
      </div>
      <QueryState
        query={query}
        empty={state ? "Нет манифестов в этом состоянии" : "Манифестов пока нет"}
        isEmpty={() => rows.length === 0}
      >
        {() => (
          <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
            <Table>
              <thead>
                <tr>
                  <th>Номер</th>
                  <th>Состояние</th>
                  <th>Создающий филиал</th>
                  <th>Ответственный филиал</th>
                  <th className="text-right">Заказов</th>
                  <th>Дата отправки</th>
                  <th>Создан</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((m) => (
                  <tr
                    key={m.id}
                    className="cursor-pointer hover:bg-blue-50/50"
                    onClick={() => router.push(`/manifests/${m.id}`)}
                  >
                    <td className="font-medium">
                      <Link
                        href={`/manifests/${m.id}`}
                        className="text-blue-700 hover:underline"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {m.number}
                      </Link>
                    </td>
                    <td>
                      <ManifestStateBadge state={m.state} />
                    </td>
                    <td>{m.creatingBranchName ?? <span className="text-slate-400">—</span>}</td>
                    <td>{m.responsibleBranchName}</td>
                    <td className="text-right tabular-nums">{m.orderCount}</td>
                    <td>{m.sendDate ? formatDate(m.sendDate) : <span className="text-slate-400">—</span>}</td>
                    <td className="text-slate-600">{formatDateTime(m.createdAt)}</td>
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
