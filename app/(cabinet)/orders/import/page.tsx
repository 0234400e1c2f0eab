import { Suspense } from "react";
import { isStaffSession } from "@/components/staff-only";
import { Spinner } from "@/components/ui";
import { ImportStart } from "./import-start";

export default async function OrderImportPage() {
  const isStaff = await isStaffSession();
  return (
    <Suspense fallback={<Spinner />}>
      <ImportStart isStaff={isStaff} />
    </Suspense>
  );
}
