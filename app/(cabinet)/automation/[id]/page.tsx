import { ensureFound } from "@/components/page-guards";
import { listImportErrors } from "@/server/services/shop-apps/import-errors";
import { AutomationForm } from "./automation-form";

/** One app's «Автоматизация»: another company's or another client's app is a real 404. */
export default async function AutomationAppPage({ params }: { params: Promise<{ id: string }> }) {
  const id = await ensureFound((await params).id, (call) =>
    listImportErrors({ ctx: call.ctx, input: { id: call.input.id, limit: 1 } }),
  );
  return <AutomationForm id={id} />;
}
