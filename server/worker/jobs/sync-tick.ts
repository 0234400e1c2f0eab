import { integrationsWithDueCancels } from "../../services/exchange/cancel";
import { integrationsWithDueHooks } from "../../services/exchange/hooks";
import { integrationsDueForPoll } from "../../services/exchange/housekeeping";
import { integrationsWithDuePayments } from "../../services/exchange/payments";
import { integrationsWithDueResolves } from "../../services/exchange/resolve";
import { integrationsWithDueStatusBack } from "../../services/exchange/shop-status";
import { integrationsWithDueTransfers } from "../../services/exchange/transfer";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

// Event-driven starts (NOTIFY) do most of the work; this clock covers retries, polls, restarts and missed notices.
export default defineJob({
  name: "sync-tick",
  schedule: "* * * * * *",
  payload: noPayload,
  async handler(_, { db, enqueue, pollSeconds }) {
    const due: [string, number[]][] = [
      ["sync-transfer", await integrationsWithDueTransfers(db)],
      ["sync-cancel", await integrationsWithDueCancels(db)],
      ["sync-resolve", await integrationsWithDueResolves(db)],
      ["sync-hooks", await integrationsWithDueHooks(db)],
      ["sync-poll", await integrationsDueForPoll(db, pollSeconds)],
      ["sync-shop-status", await integrationsWithDueStatusBack(db)],
      ["sync-payments", await integrationsWithDuePayments(db)],
    ];
    for (const [job, ids] of due) for (const integrationId of ids) await enqueue(job, { integrationId });
  },
});
