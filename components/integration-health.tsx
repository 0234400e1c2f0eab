"use client";
import { HEALTH_TITLES, type HealthStatus } from "@/server/services/integrations/schemas";
import { Badge } from "./ui";

const TONES = { unknown: "gray", ok: "green", error: "red", unreachable: "amber" } as const;

export function formatDateTime(d: Date | string | null | undefined) {
  if (!d) return "—";
  return new Date(d).toLocaleString("ru-RU", {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function HealthBadge({ status }: { status: HealthStatus }) {
  return <Badge tone={TONES[status]}>{HEALTH_TITLES[status]}</Badge>;
}
