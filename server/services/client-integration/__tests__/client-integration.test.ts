import bcrypt from "bcryptjs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { clients } from "@/db/schema";
import { createClient, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { API_FUNCTIONS } from "@/app/(cabinet)/client-integration/api-reference/functions";
import { CMS_GUIDES } from "@/app/(cabinet)/client-integration/cms";
import { ForbiddenError, NotFoundError, ValidationError } from "@/server/services/errors";
import { createCaller } from "@/server/trpc/root";
import { handleXmlRequest } from "@/server/xmlapi/handler";
import { changeClientPassword, getIntegrationValues } from "..";
import { xmlApiUrl } from "../schemas";

describe("client integration values", () => {
  it("a client account sees its own code and login, and never another client's", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const neighbour = await createClient(tx, t.company.id, { login: "neighbour", password: "n-pass" });
      const mine = await getIntegrationValues({ ctx: t.clientCtx, input: {} });
      expect(mine).toEqual({
        extra: t.company.extraCode,
        companyName: t.company.name,
        viewer: "client",
        client: { id: t.client.id, name: t.client.name, login: t.client.login, hasPassword: true },
      });
      expect(await getIntegrationValues({ ctx: t.clientCtx, input: { clientId: t.client.id } })).toEqual(mine);
      await expect(
        getIntegrationValues({ ctx: t.clientCtx, input: { clientId: neighbour.id } }),
      ).rejects.toBeInstanceOf(NotFoundError);
      const caller = createCaller({ db: tx, actor: t.clientCtx.actor });
      await expect(caller.clientIntegration.values({ clientId: neighbour.id })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(JSON.stringify(await caller.clientIntegration.values({}))).not.toContain("neighbour");
    }));

  it("staff pick any client of their own company; another company's client is NotFound", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const second = await createClient(tx, t.company.id, { name: "Без логина" });
      expect(await getIntegrationValues({ ctx: t.staffCtx, input: {} })).toMatchObject({
        extra: t.company.extraCode,
        viewer: "staff",
        client: null,
      });
      expect((await getIntegrationValues({ ctx: t.staffCtx, input: { clientId: t.client.id } })).client).toEqual({
        id: t.client.id,
        name: t.client.name,
        login: t.client.login,
        hasPassword: true,
      });
      expect((await getIntegrationValues({ ctx: t.staffCtx, input: { clientId: second.id } })).client).toMatchObject({
        login: null,
        hasPassword: false,
      });
      await expect(
        getIntegrationValues({ ctx: t.staffCtx, input: { clientId: other.client.id } }),
      ).rejects.toBeInstanceOf(NotFoundError);
      // The values never carry a password hash, whoever asks.
      expect(
        JSON.stringify(await getIntegrationValues({ ctx: t.staffCtx, input: { clientId: t.client.id } })),
      ).not.toMatch(/\$2[aby]\$/);
    }));

  it("the API address is this deployment's public one, else the page's own origin, always ending in /api/", () => {
    expect(xmlApiUrl("https://kh.example.ru/", "http://localhost:3000")).toBe("https://kh.example.ru/api/");
    expect(xmlApiUrl(undefined, "http://localhost:3000")).toBe("http://localhost:3000/api/");
    expect(xmlApiUrl("  ", "https://cab.example.ru")).toBe("https://cab.example.ru/api/");
  });

  it("every CMS page's table maps the module fields to the code, login, password and API address", () => {
    expect(CMS_GUIDES.map((g) => g.slug)).toEqual(["bitrix", "opencart", "shopscript", "prestashop", "leadvertex"]);
    for (const g of CMS_GUIDES)
      expect(Object.fromEntries(g.fields.map((f) => [f.field, f.value]))).toEqual({
        "Код курьерской службы": "extra",
        Логин: "login",
        Пароль: "password",
        "Адрес API": "apiUrl",
      });
  });

  it("the reference lists only functions this server answers", () =>
    withTestTransaction(async (tx) => {
      for (const f of API_FUNCTIONS) {
        const out = await handleXmlRequest({ db: tx, body: `<${f.name}/>` });
        expect(out.body, f.name).not.toMatch(/error="14"/);
      }
      // …and an unknown root does give 14, so the check above can fail.
      expect((await handleXmlRequest({ db: tx, body: "<nosuchfunction/>" })).body).toMatch(/error="14"/);
    }));
});

describe("a client's own password change", () => {
  it("refuses a wrong current password and changes nothing", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const before = (await tx.select().from(clients).where(eq(clients.id, t.client.id)))[0]!;
      const err = await changeClientPassword({
        ctx: t.clientCtx,
        input: { oldPassword: "wrong", newPassword: "new-pass" },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).fieldErrors).toEqual({ oldPassword: ["Текущий пароль указан неверно"] });
      const after = (await tx.select().from(clients).where(eq(clients.id, t.client.id)))[0]!;
      expect([after.passwordHash, after.sessionVersion]).toEqual([before.passwordHash, before.sessionVersion]);
    }));

  it("with the right one sets the new password and ends the account's sessions; the old one stops working", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createClient(tx, t.company.id, { login: "other", password: "shop" });
      expect(
        await changeClientPassword({ ctx: t.clientCtx, input: { oldPassword: "shop", newPassword: "new-pass" } }),
      ).toEqual({ signedOut: true });
      const [row] = await tx.select().from(clients).where(eq(clients.id, t.client.id));
      expect(await bcrypt.compare("new-pass", row!.passwordHash!)).toBe(true);
      expect(await bcrypt.compare("shop", row!.passwordHash!)).toBe(false);
      expect(row!.sessionVersion).toBe(t.client.sessionVersion + 1);
      // Only the caller's own account changed.
      const [untouched] = await tx.select().from(clients).where(eq(clients.id, other.id));
      expect(await bcrypt.compare("shop", untouched!.passwordHash!)).toBe(true);
    }));

  it("is a client account's own: staff are refused (they reset it on the client card); same new password refused", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await expect(
        changeClientPassword({ ctx: t.staffCtx, input: { oldPassword: "secret", newPassword: "new-pass" } }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      const caller = createCaller({ db: tx, actor: t.clientCtx.actor });
      await expect(
        caller.clientIntegration.changePassword({ oldPassword: "shop", newPassword: "shop" }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }));
});
