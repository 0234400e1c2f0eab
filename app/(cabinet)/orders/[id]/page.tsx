import { notFound } from "next/navigation";
import { isStaffSession } from "@/components/staff-only";
import { OrderCard } from "./order-card";

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  return <OrderCard id={id} isStaff={await isStaffSession()} />;
}
