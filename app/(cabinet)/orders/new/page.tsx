import { isStaffSession } from "@/components/staff-only";
import { OrderForm } from "../order-form";

export default async function NewOrderPage() {
  return <OrderForm isStaff={await isStaffSession()} />;
}
