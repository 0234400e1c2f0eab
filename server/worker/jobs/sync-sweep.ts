import { sweepStuckTransfers } from "../../services/exchange/transfer";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

export default defineJob({
  name: "sync-sweep",
  schedule: "*/5 * * * * *",
  payload: noPayload,
  async handler(_, { db, log }) {
    const n = await sweepStuckTransfers(db);
    if (n) log(`возвращено в очередь передач, чей обработчик пропал: ${n}`);
  },
});
