import { getDb } from "@/db/client";
import { Alert } from "@/components/ui";
import { ServiceError } from "@/server/services/errors";
import { retailCrmLinkInfo } from "@/server/services/shop-apps/retailcrm";
import { LinkForm } from "./link-form";

/** The settings of a CRM connected by the simple connection and not yet linked to a client account of ours. */
export default async function LinkPage({ searchParams }: { searchParams: Promise<{ ticket?: string }> }) {
  const { ticket } = await searchParams;
  let crmUrl: string | null = null;
  let error: string | null = null;
  try {
    crmUrl = (await retailCrmLinkInfo(getDb(), ticket)).crmUrl;
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    error = e.message;
  }
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="text-lg font-semibold">Подключение RetailCRM к курьерской службе</h1>
      {crmUrl ? (
        <>
          <p className="mb-4 mt-1 text-slate-600">
            RetailCRM {crmUrl}. Введите код курьерской службы, логин и пароль, которые выдала вам служба.
          </p>
          <LinkForm ticket={ticket!} />
        </>
      ) : (
        <div className="mt-4">
          <Alert>{error}</Alert>
        </div>
      )}
    </main>
  );
}
