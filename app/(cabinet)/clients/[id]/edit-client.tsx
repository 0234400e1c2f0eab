"use client";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { ClientForm } from "../client-form";

export function EditClient({ id }: { id: number }) {
  const trpc = useTRPC();
  // The form is seeded once; a background refetch must not overwrite what is being typed.
  const query = useQuery({ ...trpc.clients.get.queryOptions({ id }), refetchOnWindowFocus: false });
  return <QueryState query={query}>{(data) => <ClientForm key={data.id} client={data} />}</QueryState>;
}
