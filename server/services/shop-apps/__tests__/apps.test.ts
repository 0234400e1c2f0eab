import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Queryable } from "@/db/client";
import { integrations } from "@/db/schema";
import { createClient, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { listShopApps, setShopAppEnabled } from "../apps";

async function shopApp(db: Queryable, companyId: number, clientId: number, shop: string) {
  const [row] = await db
    .insert(integrations)
    .values({ companyId, ownerKind: "client", clientId, integrator: "insales", settings: { shop } })
    .returning();
  return row!;
}

describe("«Приложения»: the shop apps of a company's clients", () => {
  it("staff see every client's apps, a client account only its own; another company's stay out of sight", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createClient(tx, t.company.id, { name: "Второй магазин" });
      const stranger = await createTenant(tx);
      await shopApp(tx, t.company.id, t.client.id, "shop-a.myinsales.ru");
      await shopApp(tx, t.company.id, other.id, "shop-b.myinsales.ru");
      await shopApp(tx, stranger.company.id, stranger.client.id, "foreign.myinsales.ru");

      const staff = await listShopApps({ ctx: t.staffCtx, input: undefined });
      expect(staff.map((a) => a.shop).sort()).toEqual(["shop-a.myinsales.ru", "shop-b.myinsales.ru"]);
      expect(staff[0]).toMatchObject({ title: "InSales", enabled: true, lastExchangeAt: null, errors24h: 0 });
      const own = await listShopApps({ ctx: t.clientCtx, input: undefined });
      expect(own.map((a) => a.shop)).toEqual(["shop-a.myinsales.ru"]);
    }));

  it("«Отключить»: staff for any client's app, a client for its own; anyone else's is not found", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createClient(tx, t.company.id, { name: "Второй магазин" });
      const stranger = await createTenant(tx);
      const mine = await shopApp(tx, t.company.id, t.client.id, "shop-a.myinsales.ru");
      const theirs = await shopApp(tx, t.company.id, other.id, "shop-b.myinsales.ru");

      await expect(setShopAppEnabled({ ctx: t.clientCtx, input: { id: mine.id, enabled: false } })).resolves.toEqual({
        id: mine.id,
        enabled: false,
      });
      await expect(setShopAppEnabled({ ctx: t.clientCtx, input: { id: theirs.id, enabled: false } })).rejects.toThrow(
        "Приложение: не найдено",
      );
      await expect(
        setShopAppEnabled({ ctx: stranger.staffCtx, input: { id: theirs.id, enabled: false } }),
      ).rejects.toThrow("Приложение: не найдено");
      await setShopAppEnabled({ ctx: t.staffCtx, input: { id: theirs.id, enabled: false } });
      const rows = await tx
        .select({ id: integrations.id, enabled: integrations.enabled })
        .from(integrations)
        .where(eq(integrations.companyId, t.company.id));
      expect(rows.every((r) => !r.enabled)).toBe(true);
    }));
});
