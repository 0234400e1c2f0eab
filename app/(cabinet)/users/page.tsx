import { Suspense } from "react";
import { Card, PageHeader, Spinner } from "@/components/ui";
import { getSession } from "@/server/auth";
import { UsersScreen } from "./users-screen";

export default async function UsersPage() {
  const actor = (await getSession())?.actor;
  // The procedures check the role again; this only spares a non-admin a page of refusals.
  if (actor?.type !== "staff" || actor.role !== "admin") {
    return (
      <>
        <PageHeader title="Пользователи" />
        <Card>
          <p className="text-slate-700">Пользователями службы управляют её администраторы.</p>
        </Card>
      </>
    );
  }
  return (
    <Suspense fallback={<Spinner />}>
      <UsersScreen />
    </Suspense>
  );
}
