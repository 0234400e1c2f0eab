import { startInsalesLogin } from "@/server/services/shop-apps";
import { answer, queryOf } from "../respond";

/** «Войти в приложение» in the shop's back office (insales.md §4): off to the shop to sign a fresh nonce. */
export const GET = (req: Request) =>
  answer(async (db) => {
    const url = await startInsalesLogin(db, queryOf(req));
    return new Response(null, { status: 302, headers: { location: url, "cache-control": "no-store" } });
  });
