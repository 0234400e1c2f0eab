import { pushShopStatuses } from "../../services/exchange/shop-status";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

/** Our statuses back to a linked shop (InSales): one run per integration at a time, queued by sync-tick. */
export default defineJob({
  name: "sync-shop-status",
  queue: { singletonKey: byIntegration, pollSeconds: 2 },
  payload: integrationPayload,
  async handler({ integrationId: id }, { db, log }) {
    const r = await pushShopStatuses(db, id);
    if (r.pushed || r.failed)
      log(`магазин, интеграция ${id}: статусов передано ${r.pushed}, не передано ${r.failed} (повтор позже)`);
  },
});
