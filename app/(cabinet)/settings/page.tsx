import { Suspense } from "react";
import { Card, PageHeader, Spinner } from "@/components/ui";
import { getSession } from "@/server/auth";
import { SettingsScreen } from "./settings-screen";

export default async function SettingsPage() {
  const actor = (await getSession())?.actor;
  // The procedures check the role again; this only spares a non-admin a page of refusals.
  if (actor?.type !== "staff" || actor.role !== "admin") {
    return (
      <>
        <PageHeader title="Настройки компании" />
        <Card>
          <p className="text-slate-700">Настройки компании меняют администраторы службы.</p>
        </Card>
      </>
    );
  }
  return (
    <Suspense fallback={<Spinner />}>
      <SettingsScreen />
    </Suspense>
  );
}
