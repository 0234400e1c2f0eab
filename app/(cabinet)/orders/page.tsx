import { Suspense } from "react";
import { isStaffSession } from "@/components/staff-only";
import { Spinner } from "@/components/ui";
import { OrdersList } from "./orders-list";

export default async function OrdersPage() {
  const isStaff = await isStaffSession();
  return (
    <Suspense fallback={<Spinner />}>
      <OrdersList isStaff={isStaff} />
    </Suspense>
  );
}
