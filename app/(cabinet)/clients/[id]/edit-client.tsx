"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { QueryError, Spinner } from "@/components/ui";
import { ClientForm } from "../client-form";

export function EditClient({ id }: { id: number }) {
  const trpc = useTRPC();
  // The form is seeded once; a background refetch must not overwrite what is being typed.
  const query = useQuery({ ...trpc.clients.get.queryOptions({ id }), refetchOnWindowFocus: false });
  if (query.isPending) return <Spinner />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  return <ClientForm key={query.data.id} client={query.data} />;
}
