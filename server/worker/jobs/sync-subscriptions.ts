import { syncSubscriptions } from "../../services/exchange/subscriptions";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

export default defineJob({
  name: "sync-subscriptions",
  // Often, so a saved integration is subscribed within seconds; a run with nothing due is one query.
  schedule: "*/10 * * * * *",
  payload: noPayload,
  async handler(_, { db, log }) {
    const n = await syncSubscriptions(db);
    if (n) log(`подписки партнёров на уведомления сверены: ${n}`);
  },
});
