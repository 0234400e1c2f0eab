import { ensureFound } from "@/components/page-guards";
import { resolveOrderId } from "@/server/services/orders/lifecycle";
import { isStaffSession } from "@/components/staff-only";
import { OrderCard } from "./order-card";

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, resolveOrderId);
  return <OrderCard id={id} isStaff={await isStaffSession()} />;
}
