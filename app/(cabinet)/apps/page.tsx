import { isStaffSession } from "@/components/staff-only";
import { Card, PageHeader } from "@/components/ui";
import { insalesStandInUrl } from "@/server/services/shop-apps/demo";
import { ShopAppsList } from "./apps-list";
import { DemoShopCard } from "./demo-shop";

/** The addresses to register at InSales (Приложения → Разработчикам); README «InSales app». */
function insalesUrls() {
  const base = process.env.PUBLIC_URL;
  if (!base) return null;
  const at = (path: string) => new URL(`api/apps/insales/${path}`, base.endsWith("/") ? base : `${base}/`).toString();
  return { install: at("install"), login: at("login"), uninstall: at("uninstall") };
}

export default async function AppsPage() {
  const isStaff = await isStaffSession();
  const urls = insalesUrls();
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Приложения"
        subtitle={
          isStaff
            ? "Магазины ваших клиентов, подключённые через приложения платформ: заказы приходят в кабинет сами"
            : "Ваши магазины, подключённые к курьерской службе: заказы приходят сами, статусы возвращаются в магазин"
        }
      />
      <ShopAppsList isStaff={isStaff} />
      {isStaff && insalesStandInUrl() && <DemoShopCard />}
      {isStaff && (
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
            <p className="mt-2 text-amber-700">
              Не заданы INSALES_APP_ID и INSALES_APP_SECRET: приложение не работает.
            </p>
          )}
        </Card>
      )}
    </div>
  );
}
