import { isStaffSession } from "@/components/staff-only";
import { Card, PageHeader } from "@/components/ui";
import { insalesStandInUrl } from "@/server/services/shop-apps/demo";
import { retailCrmStandInUrl } from "@/server/services/shop-apps/demo-retailcrm";
import { ShopAppsList } from "./apps-list";
import { DemoRetailCrmCard } from "./demo-retailcrm";
import { DemoShopCard } from "./demo-shop";

/** The addresses to register at InSales (Приложения → Разработчикам); README «InSales app». */
function insalesUrls() {
  const base = process.env.PUBLIC_URL;
  if (!base) return null;
  const at = (path: string) => new URL(`api/apps/insales/${path}`, base.endsWith("/") ? base : `${base}/`).toString();
  return { install: at("install"), login: at("login"), uninstall: at("uninstall") };
}

/** The addresses to enter in RetailCRM's partner cabinet for the module; README «RetailCRM module». */
function retailCrmUrls() {
  const base = process.env.PUBLIC_URL?.replace(/\/+$/, "");
  if (!base) return null;
  return {
    connect: `${base}/shop-apps/retailcrm/connect`,
    config: `${base}/api/apps/retailcrm/config`,
    account: `${base}/api/apps/retailcrm/account`,
  };
}

export default async function AppsPage() {
  const isStaff = await isStaffSession();
  const urls = insalesUrls();
  const retailCrm = retailCrmUrls();
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
      {isStaff && (
        <Card>
          <p className="font-medium text-slate-800">Модуль RetailCRM</p>
          {retailCrm ? (
            <ul className="mt-2 space-y-1 text-slate-700">
              <li>
                Страница подключения: <code className="break-all">{retailCrm.connect}</code>
              </li>
              <li>
                Простое подключение (configUrl): <code className="break-all">{retailCrm.config}</code>
              </li>
              <li>
                Настройки модуля (accountUrl): <code className="break-all">{retailCrm.account}</code>
              </li>
            </ul>
          ) : (
            <p className="mt-2 text-slate-600">
              Задайте PUBLIC_URL — публичный адрес Курьер-Хаба, чтобы получить адреса.
            </p>
          )}
          {!process.env.RETAILCRM_MODULE_CODE && (
            <p className="mt-2 text-amber-700">
              Не задан RETAILCRM_MODULE_CODE (символьный код модуля из кабинета партнёра RetailCRM): модуль не работает.
            </p>
          )}
          {process.env.RETAILCRM_MODULE_CODE && !process.env.RETAILCRM_SECRET && (
            <p className="mt-2 text-slate-600">Простое подключение выключено: не задан RETAILCRM_SECRET.</p>
          )}
        </Card>
      )}
      {isStaff && insalesStandInUrl() && <DemoShopCard />}
      {isStaff && retailCrmStandInUrl() && <DemoRetailCrmCard />}
      {isStaff && (
        <Card>
          <p className="font-medium text-slate-800">Адреса приложения InSales</p>
          {urls ? (
            <ul className="mt-2 space-y-1 text-slate-700">
              <li>
                Установка: <code className="break-all">{urls.install}</code>
              </li>
              <li>
                Вход: <code className="break-all">{urls.login}</code>
              </li>
              <li>
                Удаление: <code className="break-all">{urls.uninstall}</code>
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
