import { ensureFound } from "@/components/page-guards";
import { getOrder } from "@/server/services/orders/get";
import { isStaffSession } from "@/components/staff-only";
import { OrderCard } from "./order-card";

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, getOrder);
  return <OrderCard id={id} isStaff={await isStaffSession()} />;
}
