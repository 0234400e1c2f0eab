import type { IntegratorAdapter } from "../types";
import { cdekCancel, cdekOutbound, cdekPrint, cdekStatusPoll, cdekWebhook, probeCdek } from "./client";
import { cdekSettings, type cdekSettingsSchema } from "./settings";
import { mapCdekStatus } from "./statuses";

export const cdek: IntegratorAdapter<typeof cdekSettingsSchema> = {
  ...cdekSettings,
  probe: probeCdek,
  mapStatus: mapCdekStatus,
  outbound: cdekOutbound,
  statusSource: cdekStatusPoll,
  cancel: cdekCancel,
  print: cdekPrint,
  webhook: cdekWebhook,
};
