import { IntegrationTable } from "@/components/integration-table";
import { StaffOnly } from "@/components/staff-only";
import { LinkButton, PageHeader } from "@/components/ui";

export const metadata = { title: "Интеграция — Курьер-Хаб" };

export default function IntegrationPage() {
  return (
    <StaffOnly>
      <PageHeader
        title="Интеграция"
        subtitle="Каждый филиал появляется здесь сразу после создания. «Настроить» — выбрать интегратора (MeaSoft, СДЭК, TopDelivery) и ввести доступы; пароли хранятся зашифрованными и не показываются."
        actions={
          <div className="flex gap-2">
            <LinkButton href="/integration/pimpay" variant="secondary">
              PimPay
            </LinkButton>
            <LinkButton href="/integration/statuses" variant="secondary">
              Статусы партнёров
            </LinkButton>
          </div>
        }
      />
      <IntegrationTable />
    </StaffOnly>
  );
}
