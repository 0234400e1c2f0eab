import { sweepOrderImports } from "../../services/orders/import";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

export default defineJob({
  name: "sweep-order-imports",
  schedule: "0 37 3 * * *",
  payload: noPayload,
  handler: (_, { db }) => sweepOrderImports(db),
});
