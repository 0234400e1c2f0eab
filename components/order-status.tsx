import { ORDER_STATUSES, statusTitle } from "@/server/services/orders/statuses";
import { Badge } from "./ui";

const DONE = new Set(["COMPLETE", "COURIERDELIVERED"]);
const BAD = new Set(["CANCELED", "LOST", "COURIERCANCELED", "UNCONFIRM"]);
const WARN = new Set([
  "PARTIALLY",
  "COURIERPARTIALLY",
  "RETURNING",
  "RETURNED",
  "PARTLYRETURNING",
  "PARTLYRETURNED",
  "COURIERRETURN",
  "DATECHANGE",
]);
const FRESH = new Set(["AWAITING_SYNC", "NEW", "NEWPICKUP"]);

export function statusTone(code: string) {
  if (DONE.has(code)) return "green" as const;
  if (BAD.has(code)) return "red" as const;
  if (WARN.has(code)) return "amber" as const;
  if (FRESH.has(code)) return "gray" as const;
  return "blue" as const;
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span title={status}>
      <Badge tone={statusTone(status)}>{statusTitle(status)}</Badge>
    </span>
  );
}

export const STATUS_OPTIONS = Object.entries(ORDER_STATUSES).map(([code, title]) => ({ code, title }));
