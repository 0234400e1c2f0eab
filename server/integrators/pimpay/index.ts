import type { IntegratorAdapter } from "../types";
import { probePimPay, updatePimPayStates, upsertPimPayOrders } from "./client";
import { pimpaySettings, type pimpaySettingsSchema } from "./settings";

/**
 * The company's PimPay: COD orders of the clients who chose PimPay go out signed (`payments`), in batches. The
 * settings page, keys, client lookup by INN and reconciliation call the client directly through their services.
 */
export const pimpay: IntegratorAdapter<typeof pimpaySettingsSchema> = {
  ...pimpaySettings,
  probe: probePimPay,
  mapStatus: () => null,
  payments: {
    upsertOrders: (settings, orders, options) => upsertPimPayOrders(settings, orders, options.timeoutMs),
    updateStates: (settings, states, options) => updatePimPayStates(settings, states, options.timeoutMs),
    batchSize: 500,
    callNames: { upsert: "upsertOrders", states: "updateStateForOrders" },
    // PimPay finds the shop by its INN: an order of a client without one is refused before any call.
    cannotSend: (o) =>
      o.tin ? null : "У клиента не указан ИНН: PimPay находит магазин по ИНН (карточка клиента → «Финансы»)",
  },
};
