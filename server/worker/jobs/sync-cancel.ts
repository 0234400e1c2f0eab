import { runCancels } from "../../services/exchange/cancel";
import { SYNC_CHANNEL } from "../../services/signals";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

export default defineJob({
  name: "sync-cancel",
  queue: { wakeOn: SYNC_CHANNEL, singletonKey: byIntegration },
  payload: integrationPayload,
  handler: ({ integrationId }, { db }) => runCancels(db, integrationId),
});
