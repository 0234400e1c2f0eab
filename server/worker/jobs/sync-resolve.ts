import { resolveSubmitted } from "../../services/exchange/resolve";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

/** Asks partners that accept asynchronously about orders whose verdict no webhook brought. */
export default defineJob({
  name: "sync-resolve",
  queue: { singletonKey: byIntegration },
  payload: integrationPayload,
  async handler({ integrationId: id }, { db, log }) {
    const r = await resolveSubmitted(db, id);
    if (r.sent + r.failed)
      log(`интеграция ${id}: партнёр подтвердил ${r.sent}, отклонил ${r.failed}, ещё обрабатывает ${r.waiting}`);
  },
});
