import { openRetailCrmAccount } from "@/server/services/shop-apps/retailcrm";
import { answerJson, ownUrl } from "../respond";

/** The module's settings opened from the CRM: off to our page (the client's «Автоматизация», or the link page). */
export function openAccount(req: Request, clientId: unknown) {
  return answerJson(async (db) => {
    const path = await openRetailCrmAccount(db, clientId);
    return new Response(null, { status: 303, headers: { location: ownUrl(path, req), "cache-control": "no-store" } });
  });
}
