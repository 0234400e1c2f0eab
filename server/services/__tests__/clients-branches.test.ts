import bcrypt from "bcryptjs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { clients } from "@/db/schema";
import { createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { createBranch, deleteBranch, listBranches, updateBranch } from "../branches";
import { createClient, getClient, listClients, updateClient } from "../clients";
import { createManifest } from "../manifests";

describe("clients", () => {
  it("stores the cabinet password only as a hash and never returns it", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { id } = await createClient({
        ctx: t.staffCtx,
        input: { name: "Магазин", inn: "7712345671", login: "m1", password: "p@ss" },
      });
      const [raw] = await tx.select().from(clients).where(eq(clients.id, id));
      expect(raw!.passwordHash).not.toContain("p@ss");
      expect(await bcrypt.compare("p@ss", raw!.passwordHash!)).toBe(true);
      const card = await getClient({ ctx: t.staffCtx, input: { id } });
      expect(card).not.toHaveProperty("passwordHash");
      expect(card.hasPassword).toBe(true);
      expect(JSON.stringify(await listClients({ ctx: t.staffCtx, input: {} }))).not.toContain(raw!.passwordHash!);
    }));

  it("validates INN, currency and login uniqueness at the fields", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const bad = await createClient({ ctx: t.staffCtx, input: { name: "X", inn: "12", currency: "рубли" } }).catch(
        (e: unknown) => e,
      );
      const paths = (bad as { issues: { path: string[] }[] }).issues.map((i) => i.path.join("."));
      expect(paths).toEqual(expect.arrayContaining(["inn", "currency"]));
      await createClient({ ctx: t.staffCtx, input: { name: "A", login: "same", password: "1234" } });
      await expect(
        createClient({ ctx: t.staffCtx, input: { name: "B", login: "same", password: "1234" } }),
      ).rejects.toMatchObject({
        code: "CONFLICT",
        fieldErrors: { login: ["Этот логин уже занят другим клиентом"] },
      });
    }));

  it("keeps client names unique within a company in any letter case, at the name field", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const other = await createTenant(tx);
      const taken = { code: "CONFLICT", fieldErrors: { name: ["Клиент с таким названием уже есть"] } };
      const a = await createClient({ ctx: t.staffCtx, input: { name: "Ромашка" } });
      await expect(createClient({ ctx: t.staffCtx, input: { name: "  РОМАШКА " } })).rejects.toMatchObject(taken);
      const b = await createClient({ ctx: t.staffCtx, input: { name: "Лютик" } });
      await expect(updateClient({ ctx: t.staffCtx, input: { id: b.id, name: "ромашка" } })).rejects.toMatchObject(
        taken,
      );
      // Renaming a client to its own name in another case, and the same name at another company, are fine.
      await updateClient({ ctx: t.staffCtx, input: { id: a.id, name: "РОМАШКА" } });
      await createClient({ ctx: other.staffCtx, input: { name: "Ромашка" } });
      expect((await listClients({ ctx: t.staffCtx, input: { search: "ромашка" } })).map((c) => c.name)).toEqual([
        "РОМАШКА",
      ]);
    }));

  it("updates finance settings and keeps the password when none is sent", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const { id } = await createClient({ ctx: t.staffCtx, input: { name: "A", login: "a1", password: "1234" } });
      const [before] = await tx.select({ h: clients.passwordHash }).from(clients).where(eq(clients.id, id));
      await updateClient({
        ctx: t.staffCtx,
        input: { id, name: "A", login: "a1", currency: "kzt", paymentIntermediary: "pimpay" },
      });
      const card = await getClient({ ctx: t.staffCtx, input: { id } });
      expect(card.currency).toBe("KZT");
      expect(card.paymentIntermediary).toBe("pimpay");
      const [after] = await tx.select({ h: clients.passwordHash }).from(clients).where(eq(clients.id, id));
      expect(after!.h).toBe(before!.h);
    }));
});

describe("branches", () => {
  it("creates, renames and deletes an unused branch; refuses a duplicate code", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const b = await createBranch({
        ctx: t.staffCtx,
        input: { code: "NSK", name: "Новосибирск", town: "Новосибирск" },
      });
      await expect(
        createBranch({ ctx: t.staffCtx, input: { code: "NSK", name: "Другой", town: "Омск" } }),
      ).rejects.toMatchObject({ fieldErrors: { code: [expect.any(String)] } });
      await updateBranch({
        ctx: t.staffCtx,
        input: { id: b.id, code: "NSK", name: "Бета (Новосибирск)", town: "Новосибирск" },
      });
      expect((await listBranches({ ctx: t.staffCtx, input: {} })).map((x) => x.name)).toContain("Бета (Новосибирск)");
      await deleteBranch({ ctx: t.staffCtx, input: { id: b.id } });
      expect((await listBranches({ ctx: t.staffCtx, input: {} })).map((x) => x.id)).not.toContain(b.id);
    }));

  it("refuses to delete a branch that manifests or orders point to", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await createOrders(tx, t.company.id, t.client.id, 1);
      await createManifest({ ctx: t.staffCtx, input: { responsibleBranchId: t.branch.id } });
      await expect(deleteBranch({ ctx: t.staffCtx, input: { id: t.branch.id } })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining("нельзя удалить"),
      });
    }));
});
