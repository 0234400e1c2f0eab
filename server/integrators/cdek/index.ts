import type { IntegratorAdapter } from "../types";
import { probeCdek } from "./client";
import { cdekSettings, type cdekSettingsSchema } from "./settings";
import { mapCdekStatus } from "./statuses";

export const cdek: IntegratorAdapter<typeof cdekSettingsSchema> = {
  ...cdekSettings,
  probe: probeCdek,
  mapStatus: mapCdekStatus,
};
