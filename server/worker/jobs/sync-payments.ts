import { pushPayments } from "../../services/exchange/payments";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

/** COD orders and their statuses to the company's payment intermediary (PimPay): one run per integration at a time. */
export default defineJob({
  name: "sync-payments",
  queue: { singletonKey: byIntegration, pollSeconds: 2 },
  payload: integrationPayload,
  async handler({ integrationId: id }, { db, log }) {
    const r = await pushPayments(db, id);
    if (r.upserted || r.states || r.failed)
      log(
        `PimPay, интеграция ${id}: заказов ${r.upserted}, статусов ${r.states}, не принято ${r.failed} (пачек ${r.batches})`,
      );
  },
});
