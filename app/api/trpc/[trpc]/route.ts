import { getDb } from "@/db/client";
import { getSession } from "@/server/auth";
import { handleTrpcRequest } from "@/server/trpc/http";

const handler = (req: Request) =>
  handleTrpcRequest(req, async () => ({ db: getDb(), actor: (await getSession())?.actor ?? null }));

export { handler as GET, handler as POST };
