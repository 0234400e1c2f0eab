import { notFound } from "next/navigation";
import { isStaffSession } from "@/components/staff-only";
import { EditOrder } from "./edit-order";

export default async function EditOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  return <EditOrder id={id} isStaff={await isStaffSession()} />;
}
