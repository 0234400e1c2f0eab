import { notFound } from "next/navigation";
import { ManifestCard } from "./manifest-card";

export default async function ManifestPage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  return <ManifestCard id={id} />;
}
