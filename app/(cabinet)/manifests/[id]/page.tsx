import { ensureFound } from "@/components/page-guards";
import { getManifest } from "@/server/services/manifests/get";
import { ManifestCard } from "./manifest-card";

export default async function ManifestPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, getManifest);
  return <ManifestCard id={id} />;
}
