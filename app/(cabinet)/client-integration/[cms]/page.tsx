import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, PageHeader, Table } from "@/components/ui";
import { ClientPicker } from "../client-picker";
import { cmsGuide } from "../cms";
import { loadIntegration, type SearchParams } from "../load";
import { IntegrationValue } from "../values";

/** One CMS: which field of its stock module takes which value, filled with the viewer's (or picked client's) values. */
export default async function CmsGuidePage({
  params,
  searchParams,
}: {
  params: Promise<{ cms: string }>;
  searchParams: SearchParams;
}) {
  const guide = cmsGuide((await params).cms);
  if (!guide) notFound();
  const data = await loadIntegration((await searchParams).client);
  const staff = data.viewer === "staff";
  const qs = staff && data.client ? `?client=${data.client.id}` : "";
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title={`${guide.title}: модуль «Курьерская служба 2008»`}
        subtitle={
          staff
            ? data.client
              ? `Значения клиента «${data.client.name}» — передайте их клиенту`
              : "Выберите клиента, чтобы увидеть его значения"
            : "Впишите эти значения в настройки модуля вашего магазина"
        }
      />
      {staff && <ClientPicker selected={data.client?.id ?? null} />}
      <Card title="Установка">
        <ol className="list-decimal space-y-1 pl-5 text-slate-700">
          {guide.install.map((s) => (
            <li key={s}>{s}</li>
          ))}
          <li>
            Сохраните настройки и оформите пробный заказ: он появится в разделе «Заказы» кабинета с источником «API».
          </li>
        </ol>
      </Card>
      <Card title="Поля модуля">
        <Table>
          <thead>
            <tr>
              <th className="px-3 py-2 text-left">Поле модуля</th>
              <th className="px-3 py-2 text-left">Значение</th>
            </tr>
          </thead>
          <tbody data-testid="module-fields">
            {guide.fields.map((f) => (
              <tr key={f.field} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2 font-medium text-slate-800">{f.field}</td>
                <td className="px-3 py-2">
                  <IntegrationValue kind={f.value} data={data} />
                  {f.note && <p className="mt-1 text-xs text-slate-500">{f.note}</p>}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
      <p className="text-slate-600">
        Модуль говорит с кабинетом на XML API, совместимом с MeaSoft:{" "}
        <Link href={`/client-integration/api-reference${qs}`} className="text-blue-700 hover:underline">
          справочник функций
        </Link>
        .
      </p>
    </div>
  );
}
