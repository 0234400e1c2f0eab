import { openAccount } from "../open";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** `accountUrl` with the clientId in the path (the other variant seen in RetailCRM's modules). */
export async function GET(req: Request, { params }: { params: Promise<{ clientId: string }> }) {
  return openAccount(req, (await params).clientId);
}
