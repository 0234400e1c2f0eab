import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { StaffDashboard } from "@/components/staff-dashboard";
import { PageHeader } from "@/components/ui";
import { getSession } from "@/server/auth";
import { getDashboard } from "@/server/services/dashboard/figures";

/** The start page: staff see the dashboard; a client account keeps landing on its orders. */
export default async function StartPage() {
  const session = await getSession();
  if (!session || session.actor.type !== "staff") redirect("/orders");
  const figures = await getDashboard({ ctx: { db: getDb(), actor: session.actor }, input: {} });
  return (
    <>
      <PageHeader title="Сводка" subtitle={session.companyName} />
      <StaffDashboard figures={figures} />
    </>
  );
}
