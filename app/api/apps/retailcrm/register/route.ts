import { registerRetailCrm } from "@/server/services/shop-apps/retailcrm";
import { answerJson, fieldsOf, json, tooLarge } from "../respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The simple connection's `registerUrl` (§3.2): 201 with our `accountUrl`, 401 when the token does not match. */
export async function POST(req: Request) {
  const fields = await fieldsOf(req);
  if (fields === "too-large") return tooLarge();
  return answerJson(async (db) => json(await registerRetailCrm(db, fields.register), 201));
}
