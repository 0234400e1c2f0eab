import { and, eq, ne, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, shopAppInstalls } from "@/db/schema";
import { ConflictError } from "../errors";
import { ownerSecretsContext, sealSecrets } from "../security/secret-box";

type IntegrationRow = typeof integrations.$inferSelect;

/**
 * Makes an installed shop (or CRM) the client's integration of `integrator` — one per client — and points the
 * installation at it. `build` gets the client's existing integration (its rules survive a re-link) and returns the
 * settings and the secrets to seal. A shop linked anew to another client leaves the old link switched off and
 * without its secret. Runs in the caller's transaction.
 */
export async function upsertClientIntegration(
  tx: Queryable,
  input: {
    install: { id: number; integrationId: number | null };
    client: { companyId: number; clientId: number };
    integrator: string;
    /** Another shop already linked to this client: the Russian refusal. */
    taken: (otherShop: string) => string;
    build: (existing: IntegrationRow | undefined) => {
      settings: Record<string, unknown>;
      secrets: Record<string, string>;
    };
  },
): Promise<number> {
  const { install, client, integrator } = input;
  const owner = { companyId: client.companyId, ownerKind: "client" as const, clientId: client.clientId };
  const [existing] = await tx
    .select()
    .from(integrations)
    .where(
      and(
        eq(integrations.companyId, owner.companyId),
        eq(integrations.ownerKind, "client"),
        eq(integrations.clientId, owner.clientId),
        eq(integrations.integrator, integrator),
      ),
    )
    .for("update");
  if (existing) {
    const [other] = await tx
      .select({ shop: shopAppInstalls.shop })
      .from(shopAppInstalls)
      .where(and(eq(shopAppInstalls.integrationId, existing.id), ne(shopAppInstalls.id, install.id)));
    if (other) throw new ConflictError(input.taken(other.shop));
  }
  const built = input.build(existing);
  const values = {
    settings: built.settings,
    secrets: sealSecrets(built.secrets, ownerSecretsContext({ ...owner, branchId: null, integrator })),
    enabled: true,
    healthStatus: "unknown" as const,
    healthMessage: null,
    healthCheckedAt: null,
    updatedAt: sql`now()`,
  };
  const [row] = existing
    ? await tx.update(integrations).set(values).where(eq(integrations.id, existing.id)).returning()
    : await tx
        .insert(integrations)
        .values({ ...values, ...owner, integrator })
        .returning();
  if (install.integrationId !== null && install.integrationId !== row!.id) {
    await tx
      .update(integrations)
      .set({ enabled: false, secrets: null, updatedAt: sql`now()` })
      .where(eq(integrations.id, install.integrationId));
  }
  await tx
    .update(shopAppInstalls)
    .set({ integrationId: row!.id, updatedAt: sql`now()` })
    .where(eq(shopAppInstalls.id, install.id));
  return row!.id;
}
