import { crmUrlSchema } from "@/server/services/shop-apps/retailcrm-schemas";
import { ConnectForm } from "./connect-form";

/**
 * The module's connect page, opened by RetailCRM's Marketplace with `?account=<the CRM's address>` (pre-filled,
 * scheme and host kept). The seed's steps 3–6: courier code, login, password and the CRM's API key.
 */
export default async function ConnectPage({ searchParams }: { searchParams: Promise<{ account?: string }> }) {
  const { account } = await searchParams;
  const parsed = crmUrlSchema.safeParse(typeof account === "string" ? account : "");
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="text-lg font-semibold">Подключение RetailCRM к курьерской службе</h1>
      <p className="mb-4 mt-1 text-slate-600">
        Код курьерской службы, логин и пароль выдаёт служба доставки, с которой вы работаете. API-ключ создаётся в
        RetailCRM: Настройки → Интеграция → Ключи доступа к API.
      </p>
      <ConnectForm account={parsed.success ? parsed.data : ""} />
    </main>
  );
}
