import { ensureFound } from "@/components/page-guards";
import { resolveOrderId } from "@/server/services/orders/lifecycle";
import { isStaffSession } from "@/components/staff-only";
import { EditOrder } from "./edit-order";

export default async function EditOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, resolveOrderId);
  return <EditOrder id={id} isStaff={await isStaffSession()} />;
}
