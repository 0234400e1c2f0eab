import { resolveSubmitted } from "../../services/exchange/resolve";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

/** Asks partners that accept asynchronously about orders whose verdict no webhook brought. */
export default defineJob({
  name: "sync-resolve",
  // Verdicts are asked for after seconds at the earliest (webhooks come first), so a slower pick-up costs nothing.
  queue: { singletonKey: byIntegration, pollSeconds: 2 },
  payload: integrationPayload,
  async handler({ integrationId: id }, { db, log }) {
    const r = await resolveSubmitted(db, id);
    if (r.sent + r.failed)
      log(`интеграция ${id}: партнёр подтвердил ${r.sent}, отклонил ${r.failed}, ещё обрабатывает ${r.waiting}`);
  },
});
