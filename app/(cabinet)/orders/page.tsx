import Link from "next/link";
import { Suspense } from "react";
import { isStaffSession } from "@/components/staff-only";
import { Spinner } from "@/components/ui";
import { OrdersList } from "./orders-list";

export default async function OrdersPage() {
  const isStaff = await isStaffSession();
  return (
    <>
      <div className="mb-1 flex justify-end">
        <Link href="/orders/import" className="text-sm text-blue-700 hover:underline">
          Импорт из Excel
        </Link>
      </div>
      <Suspense fallback={<Spinner />}>
        <OrdersList isStaff={isStaff} />
      </Suspense>
    </>
  );
}
