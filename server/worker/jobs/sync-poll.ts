import { pollPartnerStatuses } from "../../services/exchange/status";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

export default defineJob({
  name: "sync-poll",
  queue: { singletonKey: byIntegration },
  payload: integrationPayload,
  async handler({ integrationId: id }, { db, log }) {
    const started = Date.now();
    const r = await pollPartnerStatuses(db, id);
    if (r.events) {
      const took = `за ${Date.now() - started} мс (ответ партнёра ${r.fetchMs} мс, запись ${r.applyMs} мс)`;
      log(
        `интеграция ${id}: статусов от партнёра ${r.events}, записано ${r.applied}, несопоставлено ${r.unmapped} ${took}`,
      );
    }
  },
});
