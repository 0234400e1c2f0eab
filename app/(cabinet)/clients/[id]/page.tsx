import { notFound } from "next/navigation";
import { EditClient } from "./edit-client";

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  return <EditClient id={id} />;
}
