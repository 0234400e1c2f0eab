import { sweepOrderChanges } from "../../services/exchange/housekeeping";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

export default defineJob({
  name: "sweep-order-changes",
  schedule: "0 17 3 * * *",
  payload: noPayload,
  handler: (_, { db }) => sweepOrderChanges(db),
});
