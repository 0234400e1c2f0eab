import { sweepSignInRecords } from "../../services/security/throttle";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

// Sign-in throttling only looks 15 minutes back; older failures are dead weight.
export default defineJob({
  name: "sweep-login-attempts",
  schedule: "0 */10 * * * *",
  payload: noPayload,
  handler: (_, { db }) => sweepSignInRecords(db),
});
