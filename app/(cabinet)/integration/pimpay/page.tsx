import { StaffOnly } from "@/components/staff-only";
import { LinkButton, PageHeader } from "@/components/ui";
import { pimpayStandInUrl } from "@/server/services/payments/demo";
import { PimPayLog } from "./pimpay-log";
import { PimPayScreen } from "./pimpay-screen";

export const metadata = { title: "PimPay — Курьер-Хаб" };

export default function PimPayPage() {
  return (
    <StaffOnly>
      <PageHeader
        title="PimPay"
        subtitle="Платёжный посредник: данные наложенного платежа клиентов, выбравших PimPay (карточка клиента → «Финансы»), уходят в PimPay с подписью вашим ключом. Клиенты сопоставляются по ИНН."
        actions={
          <LinkButton href="/integration" variant="secondary">
            ← Интеграция
          </LinkButton>
        }
      />
      <PimPayScreen demo={!!pimpayStandInUrl()} />
      <PimPayLog />
    </StaffOnly>
  );
}
