import { StaffOnly } from "@/components/staff-only";
import { Card, PageHeader } from "@/components/ui";

const PLANNED = [
  {
    name: "InSales",
    text: "заказы из магазинов на InSales приходят в кабинет сами, статусы доставки возвращаются в магазин.",
  },
  { name: "RetailCRM", text: "обмен заказами и статусами с RetailCRM через модуль доставки." },
];

/** The addresses to register at InSales (Приложения → Разработчикам); README «InSales app». */
function insalesUrls() {
  const base = process.env.PUBLIC_URL;
  if (!base) return null;
  const at = (path: string) => new URL(`api/apps/insales/${path}`, base.endsWith("/") ? base : `${base}/`).toString();
  return { install: at("install"), login: at("login"), uninstall: at("uninstall") };
}

export default function AppsPage() {
  const urls = insalesUrls();
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
      <Card>
        <p className="font-medium text-slate-800">Адреса приложения InSales</p>
        {urls ? (
          <ul className="mt-2 space-y-1 text-slate-700">
            <li>
              Установка: <code>{urls.install}</code>
            </li>
            <li>
              Вход: <code>{urls.login}</code>
            </li>
            <li>
              Удаление: <code>{urls.uninstall}</code>
            </li>
          </ul>
        ) : (
          <p className="mt-2 text-slate-600">
            Задайте PUBLIC_URL — публичный адрес Курьер-Хаба, чтобы получить адреса.
          </p>
        )}
        {!process.env.INSALES_APP_ID && (
          <p className="mt-2 text-amber-700">Не заданы INSALES_APP_ID и INSALES_APP_SECRET: приложение не работает.</p>
        )}
      </Card>
    </StaffOnly>
  );
}
