import { retailCrmConnectionConfig } from "@/server/services/shop-apps/retailcrm";
import { answerJson, json } from "../respond";

export const dynamic = "force-dynamic";

/** The simple connection's `configUrl` (retailcrm.md §3.2): the scopes we need and where to register. */
export const GET = () => answerJson(async () => json(retailCrmConnectionConfig()));
