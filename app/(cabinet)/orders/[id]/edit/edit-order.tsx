"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { QueryError, Spinner } from "@/components/ui";
import { OrderForm } from "../../order-form";

export function EditOrder({ id, isStaff }: { id: number; isStaff: boolean }) {
  const trpc = useTRPC();
  // The form is seeded once from this snapshot; refetching under it would wipe what the user typed.
  const query = useQuery({ ...trpc.orders.get.queryOptions({ id }), staleTime: 0, refetchOnWindowFocus: false });
  if (query.isPending) return <Spinner />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  return <OrderForm key={query.data.id} isStaff={isStaff} order={query.data} />;
}
