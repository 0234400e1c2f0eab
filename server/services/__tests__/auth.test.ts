import { describe, expect, it } from "vitest";
import { createClient, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { authenticate } from "../auth/authenticate";

describe("sign-in", () => {
  it("signs in staff and client accounts by courier code + login + password", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const staff = await authenticate(tx, { extra: String(t.company.extraCode), login: t.staff.login, password: "secret" }, "10.0.0.1");
      expect(staff.actor).toMatchObject({ type: "staff", companyId: t.company.id, role: "admin" });
      const client = await authenticate(tx, { extra: t.company.extraCode, login: t.client.login!, password: "shop" }, "10.0.0.1");
      expect(client.actor).toEqual({ type: "client", companyId: t.company.id, clientId: t.client.id });
    }));

  it("gives one message for a wrong code, login or password", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const noPassword = await createClient(tx, t.company.id, { login: "nopass" });
      const attempts = [
        { extra: 999_999_9, login: t.staff.login, password: "secret" },
        { extra: t.company.extraCode, login: "nobody", password: "secret" },
        { extra: t.company.extraCode, login: t.staff.login, password: "wrong" },
        { extra: t.company.extraCode, login: noPassword.login!, password: "" + "x" },
      ];
      for (const a of attempts) {
        await expect(authenticate(tx, a, "10.0.0.2")).rejects.toMatchObject({ code: "UNAUTHORIZED", message: "Неверный код службы, логин или пароль" });
      }
    }));

  it("throttles repeated failures for one login, then lets the right password in after the window", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const creds = { extra: t.company.extraCode, login: t.staff.login };
      for (let i = 0; i < 5; i++) await authenticate(tx, { ...creds, password: "bad" }, `10.1.0.${i}`).catch(() => {});
      await expect(authenticate(tx, { ...creds, password: "secret" }, "10.1.0.99")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
      await tx.execute(`update login_attempts set at = now() - interval '16 minutes'`);
      await expect(authenticate(tx, { ...creds, password: "secret" }, "10.1.0.99")).resolves.toMatchObject({ actor: { type: "staff" } });
    }));

  it("throttles one IP trying many logins", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      for (let i = 0; i < 30; i++) await authenticate(tx, { extra: t.company.extraCode, login: `guess${i}`, password: "x" }, "10.9.9.9").catch(() => {});
      await expect(authenticate(tx, { extra: t.company.extraCode, login: t.staff.login, password: "secret" }, "10.9.9.9")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    }));
});
