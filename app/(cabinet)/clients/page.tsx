import { Suspense } from "react";
import { Spinner } from "@/components/ui";
import { ClientsList } from "./clients-list";

export default function ClientsPage() {
  return (
    <Suspense fallback={<Spinner />}>
      <ClientsList />
    </Suspense>
  );
}
