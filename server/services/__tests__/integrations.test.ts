import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { integrations, integrationSync, syncLog } from "@/db/schema";
import { withTestTransaction } from "@/db/test/helpers";
import { createBranch as createBranchRow, createTenant } from "@/db/test/factories";
import {
  closedPortUrl,
  startCdekStub,
  startMeasoftStub,
  startSilentServer,
  type StubServer,
} from "@/server/integrators/__tests__/stubs";
import { createCaller } from "@/server/trpc/root";
import { deleteBranch } from "../branches";
import {
  checkIntegration,
  getIntegration,
  listIntegrationAudit,
  listIntegrations,
  saveIntegration,
  setIntegrationEnabled,
} from "../integrations";
import { ServiceError } from "../errors";

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("expected an error"),
    (e: unknown) => e as ServiceError,
  );

let measoftStub: StubServer;
let cdekStub: StubServer;
beforeAll(async () => {
  measoftStub = await startMeasoftStub([{ extra: "202", login: "alfa", pass: "alfa-secret" }]);
  cdekStub = await startCdekStub("acc", "cdek-secret");
});
afterAll(async () => {
  await measoftStub.close();
  await cdekStub.close();
});

const measoftValues = (over: Record<string, unknown> = {}) => ({
  login: "alfa",
  password: "alfa-secret",
  extra: "202",
  apiUrl: `${measoftStub.url}/api/`,
  ...over,
});

describe("integrations", () => {
  it("lists every branch of the company at once, configured or not", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const second = await createBranchRow(tx, t.company.id, { name: "Яблоневый", code: "YA" });
      const other = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
      });

      const { items, selfApiUrl } = await listIntegrations({ ctx: t.staffCtx, input: {} });
      expect(selfApiUrl).toMatch(/\/api\/$/);
      expect(items.map((i) => i.branch.id).sort()).toEqual([t.branch.id, second.id].sort());
      expect(items.map((i) => i.branch.id)).not.toContain(other.branch.id);
      const configured = items.find((i) => i.branch.id === t.branch.id)!;
      expect(configured.integration).toMatchObject({
        integrator: "measoft",
        integratorTitle: "MeaSoft",
        enabled: true,
        health: { status: "unknown", checkedAt: null },
      });
      expect(configured.sync).toEqual({
        lastExchangeAt: null,
        lastError: null,
        ordersWaiting: 0,
        ordersFailed: 0,
        oldestWaitingAt: null,
        errors: 0,
        stalled: false,
        notifications: null,
      });
      expect(items.find((i) => i.branch.id === second.id)!.integration).toBeNull();
    }));

  it("stores secrets encrypted and never hands them back", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
      });

      const raw = await tx.execute(sql`select * from integrations where branch_id = ${t.branch.id}`);
      const rowText = JSON.stringify(raw);
      expect(rowText).not.toContain("alfa-secret");
      expect(String((raw as unknown as { secrets: string }[])[0]!.secrets)).toMatch(/^v1:/);
      expect((raw as unknown as { settings: unknown }[])[0]!.settings).toEqual({
        login: "alfa",
        extra: "202",
        apiUrl: `${measoftStub.url}/api/`,
      });

      const got = await getIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(got.integration).toMatchObject({
        integrator: "measoft",
        secretsSet: ["password"],
        settings: { login: "alfa" },
      });
      expect(JSON.stringify(got)).not.toContain("alfa-secret");
      expect(JSON.stringify(got)).not.toContain("v1:");
    }));

  it("keeps a stored secret left blank, audits changed field names only", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const first = await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
      });
      expect(first).toMatchObject({
        action: "configured",
        fields: ["integrator", "login", "password", "extra", "apiUrl"],
      });

      const second = await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues({ password: "", login: "alfa" }) },
      });
      expect(second).toMatchObject({ action: "unchanged" });
      expect((await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } })).status).toBe("ok");

      const third = await saveIntegration({
        ctx: t.staffCtx,
        input: {
          branchId: t.branch.id,
          integrator: "measoft",
          values: measoftValues({ password: "new-pass", extra: "303" }),
        },
      });
      expect(third).toMatchObject({ action: "changed", fields: ["extra", "password"] });

      const audit = await listIntegrationAudit({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(audit.map((a) => [a.action, a.fields])).toEqual([
        ["changed", ["extra", "password"]],
        ["checked", []],
        ["configured", ["integrator", "login", "password", "extra", "apiUrl"]],
      ]);
      expect(audit[0]!.actorName).toBe(`${t.staff.name} (${t.staff.login})`);
      expect(audit[1]!.detail).toBe("ok");
      expect(JSON.stringify(audit)).not.toMatch(/alfa-secret|new-pass/);
      // The change made the last check stale.
      const got = await getIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(got.integration!.health.status).toBe("unknown");
    }));

  it("reports validation errors at the fields and saves nothing", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const err = await fail(
        saveIntegration({
          ctx: t.staffCtx,
          input: { branchId: t.branch.id, integrator: "cdek", values: { account: "", tariffCode: "x" } },
        }),
      );
      expect(err).toBeInstanceOf(ServiceError);
      expect(err.code).toBe("BAD_REQUEST");
      expect(err.fieldErrors).toEqual({
        account: ["Укажите Account"],
        securePassword: ["Укажите Secure password"],
        tariffCode: ["Код тарифа — целое число"],
      });
      expect((await getIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } })).integration).toBeNull();
      const unknown = await fail(
        saveIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id, integrator: "dhl", values: {} } }),
      );
      expect(unknown.fieldErrors).toEqual({ integrator: ["Выберите интегратора из списка"] });
    }));

  it("asks for confirmation before replacing the integrator, then drops the old settings and secrets", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
      });
      const cdekValues = {
        account: "acc",
        securePassword: "cdek-secret",
        tariffCode: 136,
        testMode: true,
        shipmentPoint: "MSK1",
        apiUrl: cdekStub.url,
      };
      const err = await fail(
        saveIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id, integrator: "cdek", values: cdekValues } }),
      );
      expect(err.code).toBe("CONFLICT");
      expect(err.message).toMatch(/уже настроен на «MeaSoft»/);
      expect(
        (await getIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } })).integration!.integrator,
      ).toBe("measoft");

      // The old integrator's secret may not be "kept" across a switch.
      const blank = await fail(
        saveIntegration({
          ctx: t.staffCtx,
          input: {
            branchId: t.branch.id,
            integrator: "cdek",
            replace: true,
            values: { ...cdekValues, securePassword: "" },
          },
        }),
      );
      expect(blank.fieldErrors).toEqual({ securePassword: ["Укажите Secure password"] });

      const r = await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "cdek", replace: true, values: cdekValues },
      });
      expect(r.action).toBe("configured");
      const got = await getIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(got.integration).toMatchObject({
        integrator: "cdek",
        secretsSet: ["securePassword"],
        settings: { account: "acc", tariffCode: 136, testMode: true },
      });
      expect(got.integration!.settings).not.toHaveProperty("login");
      expect(await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } })).toMatchObject({
        status: "ok",
      });
    }));

  it("switching the integrator forgets the old one's health, last exchange and last error", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const branchId = t.branch.id;
      const values = measoftValues({ password: "wrong" });
      const { id } = await saveIntegration({ ctx: t.staffCtx, input: { branchId, integrator: "measoft", values } });
      expect(await checkIntegration({ ctx: t.staffCtx, input: { branchId } })).toMatchObject({ status: "error" });
      // What the worker recorded for MeaSoft: exchanges that worked, then a failure with its back-off.
      const REFUSED = "Партнёр ответил: Ошибка авторизации (код 25)";
      const at = new Date();
      await tx.insert(integrationSync).values({
        integrationId: id,
        companyId: t.company.id,
        lastSuccessAt: at,
        lastPollAt: at,
        lastErrorAt: at,
        lastError: REFUSED,
        pollFailures: 3,
        nextPollAt: new Date(at.getTime() + 60_000),
      });
      const row = async () => {
        const { items } = await listIntegrations({ ctx: t.staffCtx, input: {} });
        return items.find((i) => i.branch.id === branchId)!;
      };
      // MeaSoft has been on the branch for two hours and failed one hand-over an hour ago.
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
      await tx
        .update(integrations)
        .set({ integratorSince: hoursAgo(2) })
        .where(eq(integrations.id, id));
      const failure = { companyId: t.company.id, integrationId: id, kind: "transfer" as const, ok: false };
      await tx.insert(syncLog).values({ ...failure, request: "neworder", result: REFUSED, at: hoursAgo(1) });
      expect((await row()).integration!.health.status).toBe("error");
      expect((await row()).sync).toMatchObject({ lastExchangeAt: at, lastError: REFUSED, errors: 1 });

      // Another settings change of the same integrator keeps its exchange figures.
      const retyped = measoftValues({ password: "wrong-again" });
      await saveIntegration({ ctx: t.staffCtx, input: { branchId, integrator: "measoft", values: retyped } });
      expect((await row()).sync.lastExchangeAt).toEqual(at);

      const cdek = {
        account: "acc",
        securePassword: "cdek-secret",
        tariffCode: 136,
        shipmentPoint: "MSK1",
        apiUrl: cdekStub.url,
      };
      await saveIntegration({ ctx: t.staffCtx, input: { branchId, integrator: "cdek", replace: true, values: cdek } });
      const after = await row();
      const unchecked = { status: "unknown", message: null, checkedAt: null };
      expect(after.integration).toMatchObject({ integrator: "cdek", health: unchecked });
      // «Ошибок за 24 ч» counts the current integrator's failures only.
      expect(after.sync).toMatchObject({ lastExchangeAt: null, lastError: null, stalled: false, errors: 0 });
      const [state] = await tx.select().from(integrationSync).where(eq(integrationSync.integrationId, id));
      expect(state).toMatchObject({ lastPollAt: null, lastErrorAt: null, pollFailures: 0, nextPollAt: null });
    }));

  it("shows a partner's error page on the tab as a short Russian text with its HTTP status, never as markup", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const branchId = t.branch.id;
      const values = measoftValues();
      const { id } = await saveIntegration({ ctx: t.staffCtx, input: { branchId, integrator: "measoft", values } });
      // As an older version or a careless integrator might have stored them.
      const page =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n" +
        "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
      await tx.update(integrations).set({ healthStatus: "error", healthMessage: page }).where(eq(integrations.id, id));
      const companyId = t.company.id;
      await tx.insert(integrationSync).values({ integrationId: id, companyId, lastError: `Сбой: ${page}` });
      const { items } = await listIntegrations({ ctx: t.staffCtx, input: {} });
      const item = items.find((i) => i.branch.id === branchId)!;
      const expected =
        "Партнёр прислал страницу ошибки вместо ответа API: HTTP 502 — шлюз партнёра не получил ответа от его сервера";
      expect(item.integration!.health.message).toBe(expected);
      expect(item.sync.lastError).toBe(expected);
    }));

  it("checks the connection, stores health and the partner's error text", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
      });
      const ok = await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(ok.status).toBe("ok");
      let item = (await listIntegrations({ ctx: t.staffCtx, input: {} })).items.find(
        (i) => i.branch.id === t.branch.id,
      )!;
      expect(item.integration!.health).toMatchObject({ status: "ok", message: ok.message });
      expect(item.integration!.health.checkedAt).toBeInstanceOf(Date);

      await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues({ password: "wrong" }) },
      });
      const bad = await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(bad).toMatchObject({ status: "error", message: "Партнёр ответил: Ошибка авторизации (код 25)" });
      item = (await listIntegrations({ ctx: t.staffCtx, input: {} })).items.find((i) => i.branch.id === t.branch.id)!;
      expect(item.integration!.health).toMatchObject({
        status: "error",
        message: "Партнёр ответил: Ошибка авторизации (код 25)",
      });
    }));

  it("stores an unreachable partner and a timeout as health with the cause", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: {
          branchId: t.branch.id,
          integrator: "measoft",
          values: measoftValues({ apiUrl: `${await closedPortUrl()}/api/` }),
        },
      });
      const down = await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(down.status).toBe("unreachable");
      expect(down.message).toMatch(/Нет связи с .*ECONNREFUSED/);

      const silent = await startSilentServer();
      try {
        await saveIntegration({
          ctx: t.staffCtx,
          input: {
            branchId: t.branch.id,
            integrator: "measoft",
            values: measoftValues({ apiUrl: `${silent.url}/api/` }),
          },
        });
        const slow = await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } }, { timeoutMs: 200 });
        expect(slow).toMatchObject({ status: "unreachable", message: expect.stringMatching(/не ответил за 0\.2 с/) });
        const got = await getIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
        expect(got.integration!.health.status).toBe("unreachable");
      } finally {
        await silent.close();
      }
    }));

  it("disables and re-enables, and refuses to delete a branch with an active integration", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
      });
      const refused = await fail(deleteBranch({ ctx: t.staffCtx, input: { id: t.branch.id } }));
      expect(refused.code).toBe("CONFLICT");
      expect(refused.message).toBe(
        "Филиал нельзя удалить: к нему подключена активная интеграция «MeaSoft». Сначала выключите её на вкладке «Интеграция».",
      );

      expect(
        await setIntegrationEnabled({ ctx: t.staffCtx, input: { branchId: t.branch.id, enabled: false } }),
      ).toMatchObject({ enabled: false, changed: true });
      expect(
        await setIntegrationEnabled({ ctx: t.staffCtx, input: { branchId: t.branch.id, enabled: false } }),
      ).toMatchObject({ changed: false });
      expect(
        await setIntegrationEnabled({ ctx: t.staffCtx, input: { branchId: t.branch.id, enabled: true } }),
      ).toMatchObject({ enabled: true, changed: true });
      const audit = await listIntegrationAudit({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(audit.map((a) => a.action)).toEqual(["enabled", "disabled", "configured"]);

      await setIntegrationEnabled({ ctx: t.staffCtx, input: { branchId: t.branch.id, enabled: false } });
      await deleteBranch({ ctx: t.staffCtx, input: { id: t.branch.id } });
      const left = await tx.execute(sql`select count(*)::int as n from integrations where branch_id = ${t.branch.id}`);
      expect((left as unknown as { n: number }[])[0]!.n).toBe(0);
      // The history outlives the branch.
      const history = await tx.execute(
        sql`select count(*)::int as n from integration_audit where branch_id = ${t.branch.id}`,
      );
      expect((history as unknown as { n: number }[])[0]!.n).toBe(4);
    }));

  it("treats another company's branch as not found and changes nothing", () =>
    withTestTransaction(async (tx) => {
      const mine = await createTenant(tx);
      const theirs = await createTenant(tx);
      await saveIntegration({
        ctx: theirs.staffCtx,
        input: { branchId: theirs.branch.id, integrator: "measoft", values: measoftValues() },
      });
      const before = await tx.execute(sql`select * from integrations where branch_id = ${theirs.branch.id}`);
      const auditBefore = await tx.execute(
        sql`select count(*)::int as n from integration_audit where branch_id = ${theirs.branch.id}`,
      );

      const ref = { branchId: theirs.branch.id };
      // One at a time: they share the test's transaction.
      const attempts = [
        () => getIntegration({ ctx: mine.staffCtx, input: ref }),
        () => listIntegrationAudit({ ctx: mine.staffCtx, input: ref }),
        () =>
          saveIntegration({
            ctx: mine.staffCtx,
            input: { ...ref, integrator: "measoft", replace: true, values: measoftValues({ login: "hijack" }) },
          }),
        () => setIntegrationEnabled({ ctx: mine.staffCtx, input: { ...ref, enabled: false } }),
        () => checkIntegration({ ctx: mine.staffCtx, input: ref }),
      ];
      for (const a of attempts) expect((await fail(a())).code).toBe("NOT_FOUND");

      // Through tRPC too: the mapped code is NOT_FOUND.
      const caller = createCaller({ db: tx, actor: mine.staffCtx.actor });
      await expect(caller.integrations.setEnabled({ ...ref, enabled: false })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(caller.integrations.get(ref)).rejects.toMatchObject({ code: "NOT_FOUND" });

      expect(await tx.execute(sql`select * from integrations where branch_id = ${theirs.branch.id}`)).toEqual(before);
      expect(
        await tx.execute(sql`select count(*)::int as n from integration_audit where branch_id = ${theirs.branch.id}`),
      ).toEqual(auditBefore);
      expect((await listIntegrations({ ctx: mine.staffCtx, input: {} })).items.map((i) => i.branch.id)).toEqual([
        mine.branch.id,
      ]);
    }));

  it("is staff-only", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      expect((await fail(listIntegrations({ ctx: t.clientCtx, input: {} }))).code).toBe("FORBIDDEN");
      expect(
        (
          await fail(
            saveIntegration({
              ctx: t.clientCtx,
              input: { branchId: t.branch.id, integrator: "measoft", values: measoftValues() },
            }),
          )
        ).code,
      ).toBe("FORBIDDEN");
    }));

  it("returns field errors through tRPC for the dialog", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const caller = createCaller({ db: tx, actor: t.staffCtx.actor });
      const err = await caller.integrations
        .save({ branchId: t.branch.id, integrator: "measoft", values: { login: "" } })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "BAD_REQUEST", message: "Проверьте поля формы" });
      expect((err as { cause?: ServiceError }).cause?.fieldErrors).toMatchObject({
        login: ["Укажите логин"],
        password: ["Укажите пароль"],
      });
    }));
});
