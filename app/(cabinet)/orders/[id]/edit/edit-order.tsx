"use client";
import { useQuery } from "@tanstack/react-query";
import { QueryState } from "@/components/query-state";
import { useTRPC } from "@/components/trpc";
import { Alert, LinkButton, PageHeader } from "@/components/ui";
import { OrderForm } from "../../order-form";

export function EditOrder({ id, isStaff }: { id: number; isStaff: boolean }) {
  const trpc = useTRPC();
  // The form is seeded once from this snapshot; refetching under it would wipe what the user typed.
  const query = useQuery({ ...trpc.orders.get.queryOptions({ id }), staleTime: 0, refetchOnWindowFocus: false });
  return (
    <QueryState query={query}>
      {(data) =>
        data.canEdit ? (
          <OrderForm key={data.id} isStaff={isStaff} order={data} />
        ) : (
          // The server's lifecycle says why; a form it would refuse is not offered.
          <div className="flex flex-col gap-4" data-testid="edit-blocked">
            <PageHeader title={`Заказ ${data.number}`} />
            <Alert tone="amber">{data.editBlockedReason}</Alert>
            <div>
              <LinkButton href={`/orders/${data.id}`} variant="secondary">
                ← К заказу
              </LinkButton>
            </div>
          </div>
        )
      }
    </QueryState>
  );
}
