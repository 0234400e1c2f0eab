import { StaffOnly } from "@/components/staff-only";
import { Card, PageHeader } from "@/components/ui";

export default function AutomationPage() {
  return (
    <StaffOnly>
      <PageHeader title="Автоматизация" subtitle="Фоновые задачи и правила, которые работают без участия оператора" />
      <Card>
        <p className="text-slate-700">Автоматизаций пока нет.</p>
        <p className="mt-2 text-slate-600">
          Здесь появятся регулярные задачи установленных приложений — например, загрузка новых заказов из InSales и
          RetailCRM и отправка им статусов доставки — с расписанием, журналом запусков и ошибками.
        </p>
        <p className="mt-3 text-slate-500">Раздел появится вместе с приложениями в следующих версиях Курьер-Хаба.</p>
      </Card>
    </StaffOnly>
  );
}
