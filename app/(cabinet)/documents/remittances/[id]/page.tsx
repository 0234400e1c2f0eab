import { ensureFound } from "@/components/page-guards";
import { getRemittance } from "@/server/services/remittances/get";
import { RemittanceCard } from "./remittance-card";

export default async function RemittancePage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, getRemittance);
  return <RemittanceCard id={id} />;
}
