import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { integrations, shopAppInstalls } from "@/db/schema";
import { ForbiddenError, ValidationError } from "../errors";
import { openSecrets, ownerSecretsContext, sealSecrets } from "../security/secret-box";
import { shopParamsSchema } from "./schemas";
import { insalesPassword, sameSecret } from "./signature";

/** The deployment has no InSales app registered (INSALES_APP_ID / INSALES_APP_SECRET unset): the routes answer 503. */
export class AppNotConfiguredError extends Error {
  constructor(message = "Приложение InSales не настроено на этом сервере (INSALES_APP_ID, INSALES_APP_SECRET)") {
    super(message);
    this.name = "AppNotConfiguredError";
  }
}

export function insalesAppConfig(): { appId: string; secret: string } {
  const appId = process.env.INSALES_APP_ID;
  const secret = process.env.INSALES_APP_SECRET;
  if (!appId || !secret) throw new AppNotConfiguredError();
  return { appId, secret };
}

const installContext = (shopId: string) => `shop-app:insales:${shopId}`;

function parseShopParams(input: unknown) {
  const r = shopParamsSchema.safeParse(input);
  if (!r.success) throw new ValidationError(r.error.issues[0]?.message ?? "Неверные параметры");
  return r.data;
}

export type ShopInstall = typeof shopAppInstalls.$inferSelect;

export async function findInstall(db: Queryable, shopId: string, lock = false) {
  const q = db
    .select()
    .from(shopAppInstalls)
    .where(and(eq(shopAppInstalls.app, "insales"), eq(shopAppInstalls.shopId, shopId)));
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

export async function findInstallById(db: Queryable, id: number) {
  const [row] = await db.select().from(shopAppInstalls).where(eq(shopAppInstalls.id, id));
  return row;
}

/** The app's API password for this shop, as InSales set it at install. */
export function installPassword(install: ShopInstall): string {
  return openSecrets(install.secrets, installContext(install.shopId)).password!;
}

/**
 * InSales' install callback: stores the shop with password = MD5(token + secret) under its `insales_id`. A repeat
 * keeps the one record (and its link); a new token (a reinstall we missed the uninstall of) replaces the password,
 * in the linked integration too, or every API call of that shop would fail.
 */
export async function installInsalesShop(db: Queryable, input: unknown) {
  const { secret } = insalesAppConfig();
  const p = parseShopParams(input);
  const password = insalesPassword(p.token, secret);
  const sealed = sealSecrets({ password }, installContext(p.insales_id));
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(shopAppInstalls)
      .values({ app: "insales", shopId: p.insales_id, shop: p.shop, secrets: sealed })
      .onConflictDoUpdate({
        target: [shopAppInstalls.app, shopAppInstalls.shopId],
        set: { shop: p.shop, secrets: sealed, updatedAt: sql`now()` },
      })
      .returning();
    if (row!.integrationId !== null) await refreshLinkedIntegration(tx, row!.integrationId, p.shop, password);
    return { installId: row!.id, linked: row!.integrationId !== null };
  });
}

async function refreshLinkedIntegration(db: Queryable, integrationId: number, shop: string, password: string) {
  const [integration] = await db.select().from(integrations).where(eq(integrations.id, integrationId)).for("update");
  if (!integration) return;
  await db
    .update(integrations)
    .set({
      settings: { ...integration.settings, shop },
      secrets: sealSecrets({ password }, ownerSecretsContext(integration)),
      updatedAt: sql`now()`,
    })
    .where(eq(integrations.id, integrationId));
}

/**
 * InSales' uninstall callback: `token` is the stored password. A wrong one is refused (403); an unknown shop is
 * answered as done. The shop's record goes; its client integration is switched off and loses the password, while
 * its settings stay for a reinstall.
 */
export async function uninstallInsalesShop(db: Queryable, input: unknown) {
  insalesAppConfig();
  const p = parseShopParams(input);
  return db.transaction(async (tx) => {
    const install = await findInstall(tx, p.insales_id, true);
    if (!install) return { removed: false };
    if (!sameSecret(p.token, installPassword(install))) throw new ForbiddenError("Неверный пароль приложения");
    if (install.integrationId !== null) {
      await tx
        .update(integrations)
        .set({ enabled: false, secrets: null, updatedAt: sql`now()` })
        .where(eq(integrations.id, install.integrationId));
    }
    await tx.delete(shopAppInstalls).where(eq(shopAppInstalls.id, install.id));
    return { removed: true };
  });
}
