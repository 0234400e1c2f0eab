"use client";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { OrderForm } from "../../order-form";

export function EditOrder({ id, isStaff }: { id: number; isStaff: boolean }) {
  const trpc = useTRPC();
  // The form is seeded once from this snapshot; refetching under it would wipe what the user typed.
  const query = useQuery({ ...trpc.orders.get.queryOptions({ id }), staleTime: 0, refetchOnWindowFocus: false });
  return <QueryState query={query}>{(data) => <OrderForm key={data.id} isStaff={isStaff} order={data} />}</QueryState>;
}
