import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Spinner } from "@/components/ui";
import { ImportRun } from "../import-run";

export default async function OrderImportRunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d{1,9}$/.test(id)) notFound();
  return (
    <Suspense fallback={<Spinner />}>
      <ImportRun id={Number(id)} />
    </Suspense>
  );
}
