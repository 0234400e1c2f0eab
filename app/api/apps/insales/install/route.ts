import { installInsalesShop } from "@/server/services/shop-apps";
import { answer, queryOf } from "../respond";

/** InSales' install callback (insales.md §2): until it gets this 200 the app counts as not installed. */
export const GET = (req: Request) =>
  answer(async (db) => {
    await installInsalesShop(db, queryOf(req));
    return "OK";
  });
