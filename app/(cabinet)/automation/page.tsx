import { isStaffSession } from "@/components/staff-only";
import { PageHeader } from "@/components/ui";
import { AutomationList } from "./automation-list";

/** «Автоматизация»: how each installed shop app brings orders in and sends statuses back (the seed's settings page). */
export default async function AutomationPage() {
  const isStaff = await isStaffSession();
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Автоматизация"
        subtitle={
          isStaff
            ? "Правила приложений ваших клиентов: когда заказ магазина передаётся в службу, с каким префиксом и какие статусы возвращаются в магазин"
            : "Правила ваших приложений: когда заказ магазина передаётся в службу, с каким префиксом и какие статусы возвращаются в магазин"
        }
      />
      <AutomationList isStaff={isStaff} />
    </div>
  );
}
