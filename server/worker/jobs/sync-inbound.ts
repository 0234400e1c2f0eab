import { inboundIntegrations, pullShopOrders } from "../../services/exchange/inbound";
import { noPayload } from "./payloads";
import { defineJob } from "./types";

/** Seconds between reads of each linked shop (INBOUND_POLL_SECONDS, default 60): webhooks may be lost (§7). */
function everySeconds(): string {
  const n = Math.max(5, Math.round(Number(process.env.INBOUND_POLL_SECONDS ?? 60)) || 60);
  return n < 60 ? `*/${n} * * * * *` : `0 */${Math.max(1, Math.min(59, Math.round(n / 60)))} * * * *`;
}

export default defineJob({
  name: "sync-inbound",
  schedule: everySeconds(),
  payload: noPayload,
  async handler(_payload, { db, log }) {
    for (const id of await inboundIntegrations(db)) {
      try {
        const r = await pullShopOrders(db, id);
        if (r.imported || r.updated || r.cancelled || r.held)
          log(
            `магазин, интеграция ${id}: заказов прочитано ${r.seen}, создано ${r.imported}, изменено ${r.updated}, ` +
              `отменено ${r.cancelled}, отложено с ошибкой ${r.held}`,
          );
      } catch (e) {
        // One shop's failure (its rate limit, a wrong password) does not stop the others; its cursor stays put.
        log(`магазин, интеграция ${id}: заказы не прочитаны: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  },
});
