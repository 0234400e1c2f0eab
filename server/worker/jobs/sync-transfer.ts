import { SYNC_CHANNEL } from "../../services/signals";
import { runTransfers } from "../../services/exchange/transfer";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

// Several consumers per process: while one drains an integration's queue, a new notification starts another, and
// the two split the batches (SKIP LOCKED), so a burst of send dates is handed over in parallel requests.
export default defineJob({
  name: "sync-transfer",
  queue: {
    concurrency: Number(process.env.SYNC_TRANSFER_CONCURRENCY ?? 3),
    wakeOn: SYNC_CHANNEL,
    singletonKey: byIntegration,
  },
  payload: integrationPayload,
  async handler({ integrationId: id }, { db, log }) {
    const r = await runTransfers(db, id);
    if (r.batches) {
      const submitted = r.submitted ? `, ждут подтверждения ${r.submitted}` : "";
      log(`интеграция ${id}: передано ${r.sent}${submitted}, ошибок ${r.failed}, к повтору ${r.retrying}`);
    }
  },
});
