import type { IntegratorAdapter } from "../types";
import { measoftExchange, probeMeasoft } from "./client";
import { measoftSettings, type measoftSettingsSchema } from "./settings";
import { mapMeasoftStatus } from "./statuses";

export const measoft: IntegratorAdapter<typeof measoftSettingsSchema> = {
  ...measoftSettings,
  probe: probeMeasoft,
  mapStatus: mapMeasoftStatus,
  exchange: measoftExchange,
};
