import { Suspense } from "react";
import { Card, PageHeader, Spinner } from "@/components/ui";
import { getSession } from "@/server/auth";
import { SecurityJournal } from "./security-journal";

export default async function SecurityPage() {
  const session = await getSession();
  const actor = session?.actor;
  if (actor?.type !== "staff" || actor.role !== "admin") {
    return (
      <>
        <PageHeader title="Безопасность" />
        <Card>
          <p className="text-slate-700">Журнал входов доступен только администраторам курьерской службы.</p>
        </Card>
      </>
    );
  }
  return (
    <Suspense fallback={<Spinner />}>
      <SecurityJournal />
    </Suspense>
  );
}
