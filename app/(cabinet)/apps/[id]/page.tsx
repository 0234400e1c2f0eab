import { ensureFound } from "@/components/page-guards";
import { listImportErrors } from "@/server/services/shop-apps/import-errors";
import { ImportErrors } from "./import-errors";

/** One shop app's «Ошибки импорта»: another company's or another client's app is a real 404. */
export default async function ShopAppPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, (call) =>
    listImportErrors({ ctx: call.ctx, input: { id: call.input.id, limit: 1 } }),
  );
  return <ImportErrors id={id} />;
}
