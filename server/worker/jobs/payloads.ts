import { z } from "zod";

/** Work on one integration: what the exchange queues carry. */
export const integrationPayload = z.object({ integrationId: z.number().int().positive() });
export const byIntegration = (p: z.output<typeof integrationPayload>) => String(p.integrationId);
export const noPayload = z.object({});
