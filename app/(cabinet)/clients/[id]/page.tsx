import { ensureFound } from "@/components/page-guards";
import { getClient } from "@/server/services/clients/get";
import { EditClient } from "./edit-client";

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, getClient);
  return <EditClient id={id} />;
}
