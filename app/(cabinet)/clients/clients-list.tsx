"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Badge, Field, Input, LinkButton, PageHeader, Table } from "@/components/ui";
import { INTERMEDIARY_TITLES, KIND_TITLES } from "./titles";

export function ClientsList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const search = sp.get("q")?.trim() || undefined;
  const [text, setText] = useState(search ?? "");

  // The search is kept in the URL, updated after a short pause in typing.
  useEffect(() => {
    const t = setTimeout(() => {
      const next = text.trim() || undefined;
      if (next !== search)
        router.replace(next ? `${pathname}?q=${encodeURIComponent(next)}` : pathname, { scroll: false });
    }, 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const query = useQuery({ ...trpc.clients.list.queryOptions({ search }), placeholderData: keepPreviousData });

  return (
    <div>
      <PageHeader
        title="Клиенты"
        subtitle="Интернет-магазины и курьерские службы, которые передают вам заказы"
        actions={<LinkButton href="/clients/new">+ Новый клиент</LinkButton>}
      />
      <div className="mb-3 flex items-end gap-3 rounded-lg border border-slate-200 bg-white p-3">
        <Field label="Поиск по названию или ИНН" htmlFor="client-search">
          <Input
            id="client-search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="w-72"
            placeholder="Например, Демо или 7712…"
          />
        </Field>
      </div>
      <QueryState query={query} empty={search ? "Никого не нашли" : "Клиентов пока нет"}>
        {(clients) => (
          <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
            <Table>
              <thead>
                <tr>
                  <th>Название</th>
                  <th>Тип</th>
                  <th>ИНН</th>
                  <th>Контактное лицо</th>
                  <th>Телефон</th>
                  <th>Вход в кабинет</th>
                  <th>Валюта</th>
                  <th>Платёжный посредник</th>
                </tr>
              </thead>
              <tbody>
                {clients.map((c) => (
                  <tr
                    key={c.id}
                    className="cursor-pointer hover:bg-blue-50/50"
                    onClick={() => router.push(`/clients/${c.id}`)}
                  >
                    <td className="font-medium">
                      <Link
                        href={`/clients/${c.id}`}
                        className="text-blue-700 hover:underline"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {c.name}
                      </Link>
                    </td>
                    <td>{KIND_TITLES[c.kind]}</td>
                    <td className="tabular-nums">{c.inn ?? "—"}</td>
                    <td>{c.contactPerson ?? "—"}</td>
                    <td className="whitespace-nowrap">{c.phone ?? "—"}</td>
                    <td>{c.login ? <span className="font-mono text-xs">{c.login}</span> : <Badge>нет</Badge>}</td>
                    <td>{c.currency}</td>
                    <td>{INTERMEDIARY_TITLES[c.paymentIntermediary]}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <p className="mt-2 text-slate-500">Клиентов: {clients.length}</p>
          </div>
        )}
      </QueryState>
    </div>
  );
}
