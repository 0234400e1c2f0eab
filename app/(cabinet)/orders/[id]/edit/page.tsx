import { ensureFound } from "@/components/page-guards";
import { getOrder } from "@/server/services/orders/get";
import { isStaffSession } from "@/components/staff-only";
import { EditOrder } from "./edit-order";

export default async function EditOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, getOrder);
  return <EditOrder id={id} isStaff={await isStaffSession()} />;
}
