import type { IntegratorAdapter } from "../types";
import {
  probeTopDelivery,
  topDeliveryCancel,
  topDeliveryOutbound,
  topDeliveryPrint,
  topDeliveryStatusPoll,
} from "./client";
import { topDeliverySettings, type topDeliverySettingsSchema } from "./settings";
import { mapTopDeliveryStatus } from "./statuses";

export const topdelivery: IntegratorAdapter<typeof topDeliverySettingsSchema> = {
  ...topDeliverySettings,
  probe: probeTopDelivery,
  mapStatus: mapTopDeliveryStatus,
  outbound: topDeliveryOutbound,
  statusSource: topDeliveryStatusPoll,
  cancel: topDeliveryCancel,
  print: topDeliveryPrint,
};
