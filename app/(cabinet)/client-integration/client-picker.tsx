"use client";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useId } from "react";
import { useTRPC } from "@/components/trpc";
import { Select } from "@/components/ui";

/** Staff choose the client whose values the section shows; the choice lives in the URL (`?client=`). */
export function ClientPicker({ selected }: { selected: number | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const id = useId();
  const clients = useQuery({ ...trpc.clients.list.queryOptions({}), staleTime: 60_000 });
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor={id} className="text-slate-600">
        Клиент
      </label>
      <Select
        id={id}
        className="min-w-64"
        value={selected ?? ""}
        disabled={clients.isPending}
        onChange={(e) => router.push(e.target.value ? `${pathname}?client=${e.target.value}` : pathname)}
      >
        <option value="">{clients.isPending ? "Загрузка…" : "— выберите клиента —"}</option>
        {(clients.data ?? []).map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.login ? "" : " (нет логина)"}
          </option>
        ))}
      </Select>
    </div>
  );
}
