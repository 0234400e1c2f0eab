import { z } from "zod";
import { bigId } from "../primitives";

export const SECURITY_EVENT_KINDS = ["failed", "blocked", "slowed"] as const;

export const listSecurityEventsSchema = z.object({
  /** Only refusals (blocked and slowed) unless the admin asks for plain wrong passwords too. */
  kind: z.enum([...SECURITY_EVENT_KINDS, "refused"], { error: "Неизвестный вид события" }).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: bigId().nullish(),
});
export type ListSecurityEventsInput = z.input<typeof listSecurityEventsSchema>;
