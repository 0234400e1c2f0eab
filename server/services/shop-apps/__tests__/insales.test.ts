import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable } from "@/db/client";
import { integrations, shopAppInstalls, shopAppTickets } from "@/db/schema";
import { createClient, createCompany } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { THROTTLE } from "@/server/services/security/throttle";
import { finishInsalesAutologin, startInsalesLogin } from "../autologin";
import { installInsalesShop, uninstallInsalesShop } from "../installs";
import { linkInsalesShop, linkPageInfo } from "../link";
import { signInByShopTicket } from "../sign-in";
import { insalesPassword } from "../signature";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const SECRET = "example-secret";
const APP_ID = "kurier-hub-test";

// A tiny InSales shop: Basic auth with the app id and the per-shop password, its own custom statuses.
let server: Server;
let shopHost: string;
const passwords = new Set<string>();
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  for (const k of ["INSALES_APP_ID", "INSALES_APP_SECRET", "INSALES_SHOP_API_BASE", "INTEGRATION_ALLOWED_HOSTS"])
    saved[k] = process.env[k];
  process.env.INSALES_APP_ID = APP_ID;
  process.env.INSALES_APP_SECRET = SECRET;
  process.env.INSALES_SHOP_API_BASE = "http://{shop}";
  process.env.INTEGRATION_ALLOWED_HOSTS = "127.0.0.1";
  server = createServer((req, res) => {
    const auth = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
    const [login, password] = auth.split(":");
    if (login !== APP_ID || !passwords.has(password ?? "")) return void res.writeHead(401).end("{}");
    if (req.url === "/admin/custom_statuses.json") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(
        JSON.stringify([{ permalink: "peredan-kurieru", title: "Передан курьеру", system_status: "dispatched" }]),
      );
    }
    res.writeHead(404).end("{}");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  shopHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await new Promise((r) => server.close(r));
});

let seq = 0;
const shopId = () => String(900_000_000 + process.pid * 100 + ++seq);

async function install(db: Queryable, id = shopId(), token = `tok-${id}`) {
  passwords.add(insalesPassword(token, SECRET));
  await installInsalesShop(db, { shop: shopHost, insales_id: id, token });
  return { id, token, password: insalesPassword(token, SECRET) };
}

/** Runs «Войти» from the back office up to the shop's redirect; returns our return path's ticket and the nonce. */
async function startLogin(db: Queryable, id: string) {
  const url = new URL(await startInsalesLogin(db, { insales_id: id }));
  expect(url.host).toBe(shopHost);
  expect(url.pathname).toBe(`/admin/applications/${APP_ID}/login`);
  const nonce = url.searchParams.get("token")!;
  const ticket = new URL(url.searchParams.get("login")!).pathname.split("/").at(-1)!;
  return { nonce, ticket };
}

const user = { user_email: "owner@shop.ru", user_name: "Ольга", user_id: "77", email_confirmed: "true" };
const fullSig = (nonce: string, pw: string) =>
  md5(nonce + user.user_email + user.user_name + user.user_id + user.email_confirmed + pw);
const gemSig = (nonce: string, pw: string) => md5(nonce + user.user_email + user.user_name + user.user_id + pw);

async function linkTicket(db: Queryable, id: string, password: string) {
  const { nonce, ticket } = await startLogin(db, id);
  const r = await finishInsalesAutologin(db, ticket, { ...user, token3: fullSig(nonce, password) });
  expect(r.kind).toBe("link");
  return new URL(r.path, "http://x").searchParams.get("ticket")!;
}

describe("InSales app: install and uninstall", () => {
  it("derives the password as MD5(token + secret) (insales.md worked example)", () => {
    expect(insalesPassword("tok-42", "example-secret")).toBe("0005e598abd7ddf8fdb5daedf0623203");
  });

  it("keeps one record per insales_id on a repeated install and seals the password", () =>
    withTestTransaction(async (db) => {
      const s = await install(db);
      await install(db, s.id, s.token);
      const rows = await db.select().from(shopAppInstalls).where(eq(shopAppInstalls.shopId, s.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.shop).toBe(shopHost);
      expect(rows[0]!.secrets).not.toContain(s.password);
    }));

  it("refuses bad parameters with a Russian message", () =>
    withTestTransaction(async (db) => {
      await expect(installInsalesShop(db, { shop: "https://evil/x", insales_id: "1", token: "t" })).rejects.toThrow(
        /адрес магазина/,
      );
      await expect(installInsalesShop(db, { shop: "a.myinsales.ru", insales_id: "abc", token: "t" })).rejects.toThrow(
        /insales_id — число/,
      );
    }));

  it("uninstall refuses a wrong password, removes the shop with the right one, answers an unknown shop", () =>
    withTestTransaction(async (db) => {
      const s = await install(db);
      await expect(uninstallInsalesShop(db, { shop: shopHost, insales_id: s.id, token: md5("nope") })).rejects.toThrow(
        /Неверный пароль приложения/,
      );
      expect(await db.select().from(shopAppInstalls).where(eq(shopAppInstalls.shopId, s.id))).toHaveLength(1);
      expect(await uninstallInsalesShop(db, { shop: shopHost, insales_id: s.id, token: s.password })).toEqual({
        removed: true,
      });
      expect(await db.select().from(shopAppInstalls).where(eq(shopAppInstalls.shopId, s.id))).toHaveLength(0);
      expect(await uninstallInsalesShop(db, { shop: shopHost, insales_id: s.id, token: s.password })).toEqual({
        removed: false,
      });
    }));
});

describe("InSales app: autologin", () => {
  it("accepts the doc's full signature (token3) and the gem's (token); an unlinked shop goes to the link page", () =>
    withTestTransaction(async (db) => {
      const s = await install(db);
      const a = await startLogin(db, s.id);
      const r1 = await finishInsalesAutologin(db, a.ticket, { ...user, token3: fullSig(a.nonce, s.password) });
      expect(r1.path).toMatch(/^\/shop-apps\/insales\/link\?ticket=/);
      const b = await startLogin(db, s.id);
      const r2 = await finishInsalesAutologin(db, b.ticket, { ...user, token: gemSig(b.nonce, s.password) });
      expect(r2.kind).toBe("link");
    }));

  it("refuses a wrong signature, a used nonce and an expired one", () =>
    withTestTransaction(async (db) => {
      const s = await install(db);
      const a = await startLogin(db, s.id);
      await expect(
        finishInsalesAutologin(db, a.ticket, { ...user, token: fullSig(a.nonce, md5("other")) }),
      ).rejects.toThrow(/подпись не сходится/);
      // The failed try used the nonce up: even the right signature is refused now.
      await expect(
        finishInsalesAutologin(db, a.ticket, { ...user, token: fullSig(a.nonce, s.password) }),
      ).rejects.toThrow(/устарела или уже использована/);

      const b = await startLogin(db, s.id);
      await finishInsalesAutologin(db, b.ticket, { ...user, token: fullSig(b.nonce, s.password) });
      await expect(
        finishInsalesAutologin(db, b.ticket, { ...user, token: fullSig(b.nonce, s.password) }),
      ).rejects.toThrow(/устарела или уже использована/);

      const c = await startLogin(db, s.id);
      await db.update(shopAppTickets).set({ expiresAt: sql`now() - interval '1 second'` });
      await expect(
        finishInsalesAutologin(db, c.ticket, { ...user, token: fullSig(c.nonce, s.password) }),
      ).rejects.toThrow(/устарела/);
    }));

  it("does not start for a shop that never installed the app", () =>
    withTestTransaction(async (db) => {
      await expect(startInsalesLogin(db, { insales_id: shopId() })).rejects.toThrow(/не найдено/);
    }));
});

describe("InSales app: link page", () => {
  it("reads the shop's statuses: the standard ones and its own", () =>
    withTestTransaction(async (db) => {
      const s = await install(db);
      const info = await linkPageInfo(db, await linkTicket(db, s.id, s.password));
      expect(info.statusError).toBeNull();
      expect(info.statuses!.map((x) => x.value)).toEqual([
        "new",
        "accepted",
        "approved",
        "dispatched",
        "delivered",
        "declined",
        "returned",
        "peredan-kurieru",
      ]);
      expect(info.ourStatuses.find((x) => x.code === "COMPLETE")?.title).toBe("Доставлен");
    }));

  it("says why the statuses could not be read (the shop refused the password)", () =>
    withTestTransaction(async (db) => {
      const s = await install(db);
      const ticket = await linkTicket(db, s.id, s.password);
      passwords.delete(s.password);
      const info = await linkPageInfo(db, ticket);
      expect(info.statuses).toBeNull();
      expect(info.statusError).toMatch(/Не удалось получить статусы магазина: InSales не принял пароль/);
    }));

  it("refuses wrong credentials, links with the right ones, stores no client password, signs in once", () =>
    withTestTransaction(async (db) => {
      const company = await createCompany(db);
      const client = await createClient(db, company.id, { login: "shop1", password: "Верный-пароль-1" });
      const s = await install(db);
      const ticket = await linkTicket(db, s.id, s.password);
      const form = {
        ticket,
        extra: company.extraCode,
        login: "shop1",
        triggerStatus: "peredan-kurieru",
        prefix: "IS-",
        statusMap: { COMPLETE: "delivered", CANCELED: "" },
      };
      await expect(linkInsalesShop(db, { ...form, password: "не тот" }, "198.51.100.7")).rejects.toThrow(
        /Неверный код курьерской службы, логин или пароль/,
      );
      const linked = await linkInsalesShop(db, { ...form, password: "Верный-пароль-1" }, "198.51.100.7");
      expect(linked.clientName).toBe(client.name);

      const [row] = await db.select().from(integrations).where(eq(integrations.id, linked.integrationId));
      expect(row).toMatchObject({ ownerKind: "client", clientId: client.id, integrator: "insales", enabled: true });
      expect(row!.settings).toEqual({
        shop: shopHost,
        insalesId: s.id,
        triggerStatus: "peredan-kurieru",
        prefix: "IS-",
        statusMap: { COMPLETE: "delivered" },
        paused: false,
      });
      const stored = JSON.stringify(row);
      expect(stored).not.toContain("Верный-пароль-1");
      expect(stored).not.toContain(s.password);

      // The link ticket is spent; the one-time sign-in works once, as that client.
      await expect(linkPageInfo(db, ticket)).rejects.toThrow(/Ссылка устарела/);
      const enter = new URL(linked.enterPath, "http://x").searchParams.get("ticket")!;
      const me = await signInByShopTicket(db, enter);
      expect(me.actor).toEqual({ type: "client", companyId: company.id, clientId: client.id });
      await expect(signInByShopTicket(db, enter)).rejects.toThrow(/уже использована/);

      // The shop is linked now: «Войти» signs in as the client, no link page.
      const again = await startLogin(db, s.id);
      const r = await finishInsalesAutologin(db, again.ticket, { ...user, token: gemSig(again.nonce, s.password) });
      expect(r.kind).toBe("sign-in");
      const me2 = await signInByShopTicket(db, new URL(r.path, "http://x").searchParams.get("ticket")!);
      expect(me2.actor).toMatchObject({ clientId: client.id });

      // A repeated install keeps the link; uninstall switches the integration off and drops its password.
      await install(db, s.id, s.token);
      await uninstallInsalesShop(db, { shop: shopHost, insales_id: s.id, token: s.password });
      const [off] = await db.select().from(integrations).where(eq(integrations.id, linked.integrationId));
      expect(off).toMatchObject({ enabled: false, secrets: null });
    }));

  it("throttles after too many wrong passwords, even when the right one comes next", () =>
    withTestTransaction(async (db) => {
      const company = await createCompany(db);
      await createClient(db, company.id, { login: "shop2", password: "right" });
      const s = await install(db);
      const ticket = await linkTicket(db, s.id, s.password);
      const form = { ticket, extra: company.extraCode, login: "shop2", triggerStatus: "new" };
      for (let i = 0; i < THROTTLE.pairLimit; i++)
        await expect(linkInsalesShop(db, { ...form, password: `wrong${i}` }, "198.51.100.9")).rejects.toThrow(
          /Неверный код/,
        );
      await expect(linkInsalesShop(db, { ...form, password: "right" }, "198.51.100.9")).rejects.toThrow(
        /Слишком много неудачных попыток/,
      );
      expect(await db.select().from(integrations).where(eq(integrations.companyId, company.id))).toHaveLength(0);
    }));

  it("another company's client cannot be linked without its password; a staff login is not a client", () =>
    withTestTransaction(async (db) => {
      const other = await createCompany(db);
      await createClient(db, other.id, { login: "theirs", password: "their-secret" });
      const s = await install(db);
      const ticket = await linkTicket(db, s.id, s.password);
      const form = { ticket, extra: other.extraCode, login: "theirs", triggerStatus: "new" };
      for (const password of ["guess", "their-secret ", "THEIR-SECRET"])
        await expect(linkInsalesShop(db, { ...form, password }, "198.51.100.11")).rejects.toThrow(/Неверный код/);
      expect(await db.select().from(integrations).where(eq(integrations.companyId, other.id))).toHaveLength(0);
      const [still] = await db.select().from(shopAppInstalls).where(eq(shopAppInstalls.shopId, s.id));
      expect(still!.integrationId).toBeNull();
    }));

  it("refuses a made-up or expired link ticket and empty fields with Russian messages", () =>
    withTestTransaction(async (db) => {
      await expect(linkPageInfo(db, "A".repeat(32))).rejects.toThrow(/Ссылка устарела/);
      const r = linkInsalesShop(db, { ticket: "A".repeat(32), extra: "", login: "", password: "" }, "198.51.100.12");
      await expect(r).rejects.toMatchObject({
        fieldErrors: expect.objectContaining({ login: ["Укажите логин"], password: ["Укажите пароль"] }),
      });
    }));
});
