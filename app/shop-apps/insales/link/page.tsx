import { getDb } from "@/db/client";
import { Alert } from "@/components/ui";
import { ServiceError } from "@/server/services/errors";
import { linkPageInfo } from "@/server/services/shop-apps";
import { LinkForm } from "./link-form";

/**
 * The InSales shop's link to a client account of ours, outside the cabinet (it opens in the back office's iframe
 * or on its own): the autologin's ticket says which shop; the form asks for the client's code, login and password.
 */
export default async function LinkPage({ searchParams }: { searchParams: Promise<{ ticket?: string }> }) {
  const { ticket } = await searchParams;
  let info: Awaited<ReturnType<typeof linkPageInfo>> | null = null;
  let error: string | null = null;
  try {
    info = await linkPageInfo(getDb(), ticket);
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    error = e.message;
  }
  return (
    <main className="mx-auto max-w-2xl p-6">
      <h1 className="text-lg font-semibold">Подключение магазина InSales</h1>
      {info ? (
        <>
          <p className="mb-4 mt-1 text-slate-600">
            Магазин {info.shop}. Введите код курьерской службы, логин и пароль, которые выдала вам служба, и выберите
            статус, при котором заказ передаётся в службу.
          </p>
          <LinkForm
            ticket={ticket!}
            statuses={info.statuses}
            statusError={info.statusError}
            ourStatuses={info.ourStatuses}
          />
        </>
      ) : (
        <div className="mt-4">
          <Alert>{error}</Alert>
        </div>
      )}
    </main>
  );
}
