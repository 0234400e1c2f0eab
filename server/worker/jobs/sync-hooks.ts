import { HOOK_CHANNEL, processHookDeliveries } from "../../services/exchange/hooks";
import { byIntegration, integrationPayload } from "./payloads";
import { defineJob } from "./types";

/** Works off webhook deliveries the web server stored (it answers the partner at once). */
export default defineJob({
  name: "sync-hooks",
  queue: { wakeOn: HOOK_CHANNEL, singletonKey: byIntegration, pollSeconds: 1 },
  payload: integrationPayload,
  handler: ({ integrationId }, { db }) => processHookDeliveries(db, integrationId),
});
