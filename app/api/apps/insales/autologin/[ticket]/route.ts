import { finishInsalesAutologin } from "@/server/services/shop-apps";
import { answer, ownUrl, queryOf } from "../../respond";

/** The shop's signed answer: a linked shop goes to the one-time sign-in, an unlinked one to the link page. */
export const GET = async (req: Request, { params }: { params: Promise<{ ticket: string }> }) => {
  const { ticket } = await params;
  return answer(async (db) => {
    const next = await finishInsalesAutologin(db, ticket, queryOf(req));
    return new Response(null, {
      status: 303,
      headers: { location: ownUrl(next.path, req), "cache-control": "no-store" },
    });
  });
};
