import { StaffOnly } from "@/components/staff-only";
import { LinkButton, PageHeader } from "@/components/ui";
import { StatusMappingScreen } from "./status-mapping";

export const metadata = { title: "Статусы партнёров — Курьер-Хаб" };

export default function StatusMappingPage() {
  return (
    <StaffOnly>
      <PageHeader
        title="Статусы партнёров"
        subtitle="Как коды статусов каждого интегратора переводятся в статусы заказов вашей службы. По умолчанию действует таблица интегратора; изменённый код действует для всех филиалов с этим интегратором."
        actions={
          <LinkButton href="/integration" variant="secondary">
            ← Интеграция
          </LinkButton>
        }
      />
      <StatusMappingScreen />
    </StaffOnly>
  );
}
