import { redirect } from "next/navigation";
import { IntegrationTable } from "@/components/integration-table";
import { PageHeader } from "@/components/ui";
import { getSession } from "@/server/auth";

export const metadata = { title: "Интеграция — Курьер-Хаб" };

export default async function IntegrationPage() {
  const session = await getSession();
  if (session?.actor.type !== "staff") redirect("/orders");
  return (
    <>
      <PageHeader
        title="Интеграция"
        subtitle="Каждый филиал появляется здесь сразу после создания. «Настроить» — выбрать интегратора (MeaSoft, СДЭК, TopDelivery) и ввести доступы; пароли хранятся зашифрованными и не показываются."
      />
      <IntegrationTable />
    </>
  );
}
