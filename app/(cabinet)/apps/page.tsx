import { StaffOnly } from "@/components/staff-only";
import { Card, PageHeader } from "@/components/ui";

const PLANNED = [
  {
    name: "InSales",
    text: "заказы из магазинов на InSales приходят в кабинет сами, статусы доставки возвращаются в магазин.",
  },
  { name: "RetailCRM", text: "обмен заказами и статусами с RetailCRM через модуль доставки." },
];

export default function AppsPage() {
  return (
    <StaffOnly>
      <PageHeader title="Приложения" subtitle="Готовые подключения к платформам интернет-магазинов" />
      <Card>
        <p className="text-slate-700">Приложений пока не установлено.</p>
        <p className="mt-2 text-slate-600">
          Здесь появятся приложения, которые ваши клиенты смогут подключить без программиста, и их настройки:
        </p>
        <ul className="mt-2 list-disc pl-6 text-slate-600">
          {PLANNED.map((p) => (
            <li key={p.name}>
              <span className="font-medium text-slate-800">{p.name}</span> — {p.text}
            </li>
          ))}
        </ul>
        <p className="mt-3 text-slate-500">Раздел появится в следующих версиях Курьер-Хаба.</p>
      </Card>
    </StaffOnly>
  );
}
