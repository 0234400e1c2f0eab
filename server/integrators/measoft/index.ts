import type { IntegratorAdapter } from "../types";
import { measoftCancel, measoftOutbound, measoftStatusFeed, probeMeasoft } from "./client";
import { measoftSettings, type measoftSettingsSchema } from "./settings";
import { mapMeasoftStatus } from "./statuses";

export const measoft: IntegratorAdapter<typeof measoftSettingsSchema> = {
  ...measoftSettings,
  probe: probeMeasoft,
  mapStatus: mapMeasoftStatus,
  outbound: measoftOutbound,
  statusSource: measoftStatusFeed,
  cancel: measoftCancel,
};
