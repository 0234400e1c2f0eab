import Link from "next/link";
import { Card, DetailList, PageHeader } from "@/components/ui";
import { ChangeOwnPassword } from "./change-password";
import { ClientPicker } from "./client-picker";
import { CMS_GUIDES } from "./cms";
import { loadIntegration, type SearchParams } from "./load";
import { ClientCardLink, IntegrationValue } from "./values";

/** «Интеграция с клиентами»: what a shop's CMS module needs to send orders to us through the XML API. */
export default async function ClientIntegrationPage({ searchParams }: { searchParams: SearchParams }) {
  const data = await loadIntegration((await searchParams).client);
  const staff = data.viewer === "staff";
  const qs = staff && data.client ? `?client=${data.client.id}` : "";
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title={staff ? "Интеграция с клиентами" : "Подключение магазина"}
        subtitle={
          staff
            ? "Данные для подключения интернет-магазина клиента: выберите клиента и передайте ему значения ниже"
            : "Подключение вашего интернет-магазина: модуль «Курьерская служба 2008» передаёт заказы в курьерскую службу"
        }
      />
      {staff && <ClientPicker selected={data.client?.id ?? null} />}
      <Card title={staff ? "Данные для передачи клиенту" : "Ваши данные для подключения"}>
        <DetailList
          items={[
            ["Адрес API", <IntegrationValue key="a" kind="apiUrl" data={data} />],
            ["Код курьерской службы", <IntegrationValue key="e" kind="extra" data={data} />],
            ...(data.client ? ([["Клиент", data.client.name]] as [string, React.ReactNode][]) : []),
            ["Логин", <IntegrationValue key="l" kind="login" data={data} />],
            ["Пароль", <IntegrationValue key="p" kind="password" data={data} />],
            ...(staff && data.client
              ? ([["Код клиента (clientcode)", <code key="cc">{data.client.id}</code>]] as [string, React.ReactNode][])
              : []),
          ]}
        />
        <div className="mt-4">
          {staff ? (
            data.client && (
              <p className="text-slate-600">
                Логин и пароль клиента задаются и сбрасываются в <ClientCardLink clientId={data.client.id} />. Код
                клиента нужен только сотрудникам, которые отправляют заказы за клиента своим логином.
              </p>
            )
          ) : (
            <ChangeOwnPassword />
          )}
        </div>
      </Card>
      <Card title="Модули интернет-магазинов">
        <p className="mb-2 text-slate-600">
          Какие поля модуля заполнить и какими значениями — на странице своей платформы:
        </p>
        <ul className="flex flex-wrap gap-2">
          {CMS_GUIDES.map((g) => (
            <li key={g.slug}>
              <Link
                href={`/client-integration/${g.slug}${qs}`}
                className="inline-block rounded-md border border-slate-300 px-3 py-1.5 text-blue-700 hover:bg-slate-50"
              >
                {g.title}
              </Link>
            </li>
          ))}
        </ul>
        <p className="mt-3 text-slate-600">
          Своя программа вместо модуля?{" "}
          <Link href={`/client-integration/api-reference${qs}`} className="text-blue-700 hover:underline">
            Справочник XML API
          </Link>{" "}
          — функции, запросы и ответы.
        </p>
      </Card>
    </div>
  );
}
