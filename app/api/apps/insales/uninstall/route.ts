import { uninstallInsalesShop } from "@/server/services/shop-apps";
import { answer, queryOf } from "../respond";

/** InSales' uninstall callback (insales.md §3): `token` is the stored password; a wrong one gets 403. */
export const GET = (req: Request) =>
  answer(async (db) => {
    await uninstallInsalesShop(db, queryOf(req));
    return "OK";
  });
