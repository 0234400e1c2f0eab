import { fieldsOf, tooLarge } from "../respond";
import { openAccount } from "./open";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// `accountUrl` (retailcrm.md §3.1, step 4): RetailCRM's own module takes the clientId by POST; GET with ?clientId=
// is accepted too (which one the CRM uses is unconfirmed).
export async function POST(req: Request) {
  const fields = await fieldsOf(req);
  if (fields === "too-large") return tooLarge();
  return openAccount(req, fields.clientId);
}

export async function GET(req: Request) {
  return openAccount(req, new URL(req.url).searchParams.get("clientId"));
}
