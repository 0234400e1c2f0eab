import { randomBytes } from "node:crypto";
import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable, Transaction } from "@/db/client";
import { integrations, orderChanges, orders, remittanceLines, remittances, transfers } from "@/db/schema";
import { createBranch, createOrders, createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { fetchCdekRegistries } from "@/server/integrators/cdek/registries";
import { cdekSettingsSchema } from "@/server/integrators/cdek/settings";
import { PartnerError } from "@/server/integrators/errors";
import { saveIntegration } from "@/server/services/integrations";
import { getOrder } from "@/server/services/orders/get";
import { type CdekStandIn, startCdekStandIn } from "@/server/stand-ins/cdek/server";
import { createCaller } from "@/server/trpc/root";
import {
  applyRemittance,
  getRemittance,
  listCdekIntegrations,
  listRemittanceLines,
  listRemittances,
  previewRemittance,
} from "..";

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");

type Tenant = Awaited<ReturnType<typeof createTenant>>;

const HEADER =
  "registry_number;payment_date;payment_order_number;cdek_number;payment_sum;transfer_sum;total_sum_without_agent;agent_commission_sum";

/** A CDEK registry report as the csv a user would upload. */
function fileInput(integrationId: number, lines: string[], fileName = "registry.csv") {
  const csv = [HEADER, ...lines].join("\n");
  return {
    integrationId,
    source: { kind: "file" as const, fileName, contentBase64: Buffer.from(csv, "utf8").toString("base64") },
  };
}

async function integration(tx: Queryable, t: Tenant, integrator: string, branchId = t.branch.id) {
  const [i] = await tx
    .insert(integrations)
    .values({ companyId: t.company.id, branchId, integrator, settings: {}, enabled: true })
    .returning({ id: integrations.id });
  return i!.id;
}

/** Hands orders to a partner the way the exchange leaves them: a sent transfer with the partner's own number. */
async function handOver(
  tx: Queryable,
  t: Tenant,
  integrationId: number,
  list: { id: number; number: string }[],
  codes: string[],
) {
  await tx.insert(transfers).values(
    list.map((o, i) => ({
      companyId: t.company.id,
      orderId: o.id,
      integrationId,
      state: "sent" as const,
      partnerNumber: o.number,
      partnerOrderCode: codes[i]!,
      sentAt: new Date(),
    })),
  );
}

const code = () => String(1_000_000_000 + Math.floor(Math.random() * 8_999_999_999));

/** One tenant with three orders handed to CDEK, one foreign order and one of a non-CDEK partner under known codes. */
async function scene(tx: Transaction) {
  const t = await createTenant(tx);
  const cdek = await integration(tx, t, "cdek");
  const mine = await createOrders(tx, t.company.id, t.client.id, 3, { codAmount: 1000 });
  const codes = [code(), code(), code()];
  await handOver(tx, t, cdek, mine, codes);

  // The same CDEK number at another company's CDEK integration, and at this company's non-CDEK partner.
  const other = await createTenant(tx);
  const otherCdek = await integration(tx, other, "cdek");
  const [foreign] = await createOrders(tx, other.company.id, other.client.id, 1, { codAmount: 1000 });
  const foreignCode = code();
  await handOver(tx, other, otherCdek, [foreign!], [foreignCode]);
  const measoft = await integration(tx, t, "measoft", (await createBranch(tx, t.company.id)).id);
  const [elsewhere] = await createOrders(tx, t.company.id, t.client.id, 1, { codAmount: 1000 });
  const elsewhereCode = code();
  await handOver(tx, t, measoft, [elsewhere!], [elsewhereCode]);
  return {
    t,
    other,
    cdek,
    otherCdek,
    mine,
    codes,
    foreign: foreign!,
    foreignCode,
    elsewhere: elsewhere!,
    elsewhereCode,
  };
}

const agentPriceOf = async (tx: Queryable, id: number) =>
  (await tx.select({ p: orders.agentPrice }).from(orders).where(eq(orders.id, id)))[0]!.p;

describe("CDEK registry → incoming remittance document", () => {
  it("previews matched, unknown and COD-mismatching lines, then applies them once", () =>
    withTestTransaction(async (tx) => {
      const s = await scene(tx);
      const ctx = s.t.staffCtx;
      const input = fileInput(s.cdek, [
        `R-1;30.11.2026;PP-9;${s.codes[0]};1000;970;20;10`,
        `R-1;30.11.2026;PP-9;${s.codes[1]};900,00;875;15;10`,
        `R-1;30.11.2026;PP-9;${s.foreignCode};1000;970;20;10`,
        `R-1;30.11.2026;PP-9;${s.elsewhereCode};1000;970;20;10`,
        `R-1;30.11.2026;PP-9;1999999999;500;480;15;5`,
      ]);

      const preview = await previewRemittance({ ctx, input });
      expect(preview.errors).toEqual([]);
      expect(preview.canApply).toBe(true);
      expect(preview.registries).toHaveLength(1);
      const reg = preview.registries[0]!;
      expect(reg).toMatchObject({
        number: "R-1",
        paymentDate: "2026-11-30",
        paymentOrderNumber: "PP-9",
        lineCount: 5,
        counts: { matched: 1, mismatch: 1, unknown: 3 },
        codTotal: "4400.00",
        transferTotal: "4265.00",
        commissionTotal: "45.00",
        loadedId: null,
      });
      const byCode = new Map(reg.lines.map((l) => [l.cdekNumber, l]));
      expect(byCode.get(s.codes[0]!)).toMatchObject({
        state: "matched",
        orderId: s.mine[0]!.id,
        problem: null,
        agentPrice: "30.00",
      });
      expect(byCode.get(s.codes[1]!)).toMatchObject({
        state: "mismatch",
        orderId: s.mine[1]!.id,
        codExpected: "1000.00",
        problem: "Наложенный платёж по реестру 900,00 ₽, в заказе 1 000,00 ₽",
      });
      for (const c of [s.foreignCode, s.elsewhereCode, "1999999999"]) {
        expect(byCode.get(c)).toMatchObject({
          state: "unknown",
          orderId: null,
          problem: `Заказ СДЭК № ${c} не найден среди переданных в СДЭК`,
        });
      }
      // Problems come first in the preview.
      expect(reg.lines.at(-1)!.state).toBe("matched");
      // The preview wrote nothing.
      expect(
        (await tx.select({ n: count() }).from(remittances).where(eq(remittances.companyId, s.t.company.id)))[0]!.n,
      ).toBe(0);
      expect(await agentPriceOf(tx, s.mine[0]!.id)).toBeNull();

      const changesBefore = await feedEntries(tx, s.t.company.id);
      const applied = await applyRemittance({ ctx, input: { ...input, digest: preview.digest } });
      expect(applied.created).toEqual([{ id: expect.any(Number), number: "R-1", lineCount: 5, problemCount: 4 }]);
      expect(applied.message).toBe("Реестр № R-1 проведён: строк 5, с расхождениями 4");
      const id = applied.created[0]!.id;

      // Agent price: CDEK's price without its fee plus the fee; a COD difference still identifies the order.
      expect(await agentPriceOf(tx, s.mine[0]!.id)).toBe("30.00");
      expect(await agentPriceOf(tx, s.mine[1]!.id)).toBe("25.00");
      expect(await agentPriceOf(tx, s.mine[2]!.id)).toBeNull();
      expect(await agentPriceOf(tx, s.foreign.id)).toBeNull();
      expect(await agentPriceOf(tx, s.elsewhere.id)).toBeNull();
      expect((await getOrder({ ctx, input: { id: s.mine[0]!.id } })).agentPrice).toBe("30.00");
      // The company's own figure: a client account does not see it, and its change feed is not told.
      expect((await getOrder({ ctx: s.t.clientCtx, input: { id: s.mine[0]!.id } })).agentPrice).toBeNull();
      expect(await feedEntries(tx, s.t.company.id)).toBe(changesBefore);

      const doc = await getRemittance({ ctx, input: { id } });
      expect(doc).toMatchObject({
        number: "R-1",
        paymentDate: "2026-11-30",
        paymentOrderNumber: "PP-9",
        total: "4265.00",
        codTotal: "4400.00",
        commissionTotal: "45.00",
        lineCount: 5,
        problemCount: 4,
        problem: null,
        source: "file",
        fileName: "registry.csv",
        integrationLabel: "Филиал «Филиал»",
        counts: { matched: 1, mismatch: 1, unknown: 3 },
      });
      const problems = await listRemittanceLines({ ctx, input: { id, filter: "problems" } });
      expect(problems.items.map((l) => [l.lineNo, l.cdekNumber, l.state, l.orderId])).toEqual([
        [3, s.codes[1], "mismatch", s.mine[1]!.id],
        [4, s.foreignCode, "unknown", null],
        [5, s.elsewhereCode, "unknown", null],
        [6, "1999999999", "unknown", null],
      ]);
      const matched = await listRemittanceLines({ ctx, input: { id, filter: "matched" } });
      expect(matched.items).toEqual([
        expect.objectContaining({
          lineNo: 2,
          orderNumber: s.mine[0]!.number,
          codCollected: "1000.00",
          codExpected: "1000.00",
          transferSum: "970.00",
          totalWithoutAgent: "20.00",
          commission: "10.00",
        }),
      ]);
      const paged = await listRemittanceLines({ ctx, input: { id, limit: 2 } });
      expect(paged.items.map((l) => l.lineNo)).toEqual([2, 3]);
      const rest = await listRemittanceLines({ ctx, input: { id, limit: 10, cursor: paged.nextCursor! } });
      expect(rest.items.map((l) => l.lineNo)).toEqual([4, 5, 6]);
      expect((await listRemittances({ ctx, input: {} })).items.map((d) => d.id)).toEqual([id]);

      // The same registry again: nothing changes, and the answer says why.
      await tx.update(orders).set({ agentPrice: "1.00" }).where(eq(orders.id, s.mine[0]!.id));
      const again = await applyRemittance({ ctx, input });
      expect(again.created).toEqual([]);
      expect(again.skipped).toEqual([{ id, number: "R-1", message: "Реестр № R-1 уже загружен" }]);
      expect(again.message).toBe("Реестр № R-1 уже загружен — ничего не изменено");
      expect(await agentPriceOf(tx, s.mine[0]!.id)).toBe("1.00");
      expect(
        (await tx.select({ n: count() }).from(remittanceLines).where(eq(remittanceLines.remittanceId, id)))[0]!.n,
      ).toBe(5);
      const second = await previewRemittance({ ctx, input });
      expect(second.registries[0]).toMatchObject({ loadedId: id, loadedMessage: "Реестр № R-1 уже загружен" });
      // Its own lines are not «already in another registry».
      expect(second.registries[0]!.counts).toEqual({ matched: 1, mismatch: 1, unknown: 3 });
      expect(second.canApply).toBe(false);

      // Another registry with an order of R-1 says so on the line, and leaves that order's agent price alone.
      const next = await applyRemittance({
        ctx,
        input: fileInput(s.cdek, [`R-2;01.12.2026;PP-10;${s.codes[0]};1000;960;30;10`]),
      });
      const [line] = (await listRemittanceLines({ ctx, input: { id: next.created[0]!.id } })).items;
      expect(line).toMatchObject({ state: "mismatch", problem: "Заказ уже был в реестре № R-1" });
      expect(await agentPriceOf(tx, s.mine[0]!.id)).toBe("1.00");
    }));

  it("is the company's own: another tenant, a client account and a foreign integration get nothing", () =>
    withTestTransaction(async (tx) => {
      const s = await scene(tx);
      const input = fileInput(s.cdek, [`R-7;30.11.2026;;${s.codes[0]};1000;970;20;10`]);
      const { created } = await applyRemittance({ ctx: s.t.staffCtx, input });
      const id = created[0]!.id;

      const theirs = createCaller({ db: tx, actor: s.other.staffCtx.actor });
      await expect(theirs.remittances.get({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(theirs.remittances.lines({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      expect((await theirs.remittances.list({})).items).toEqual([]);
      // Their staff cannot load a registry through our integration, nor see it among theirs.
      await expect(theirs.remittances.preview(input)).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "Интеграция СДЭК: не найдено",
      });
      expect((await theirs.remittances.integrations()).map((i) => i.id)).toEqual([s.otherCdek]);

      const client = createCaller({ db: tx, actor: s.t.clientCtx.actor });
      await expect(client.remittances.get({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(client.remittances.post(input)).rejects.toMatchObject({ code: "FORBIDDEN" });

      // A non-CDEK integration is not a registry's source.
      const [measoft] = await tx
        .select({ id: integrations.id })
        .from(integrations)
        .where(and(eq(integrations.companyId, s.t.company.id), eq(integrations.integrator, "measoft")));
      await expect(
        previewRemittance({ ctx: s.t.staffCtx, input: { ...input, integrationId: measoft!.id } }),
      ).rejects.toMatchObject({
        code: "NOT_FOUND",
        fieldErrors: { integrationId: ["Интеграция СДЭК: не найдено"] },
      });
      expect(await listCdekIntegrations({ ctx: s.t.staffCtx, input: undefined })).toEqual([
        { id: s.cdek, enabled: true, label: "Филиал «Филиал»" },
      ]);
    }));

  it("shows unreadable lines in the preview and refuses to apply them; a registry changed since its preview is not applied", () =>
    withTestTransaction(async (tx) => {
      const s = await scene(tx);
      const ctx = s.t.staffCtx;
      const bad = fileInput(s.cdek, [
        `R-3;30.11.2026;;${s.codes[0]};1000;970;20;10`,
        `R-3;30.11.2026;;${s.codes[1]};много;970;20;10`,
      ]);
      const preview = await previewRemittance({ ctx, input: bad });
      expect(preview.errors).toEqual(["Строка 3: «Наложенный платёж» (payment_sum): «много» не сумма"]);
      expect(preview.canApply).toBe(false);
      await expect(applyRemittance({ ctx, input: bad })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message:
          "Реестр не проведён: исправьте ошибки чтения — Строка 3: «Наложенный платёж» (payment_sum): «много» не сумма",
      });

      const good = fileInput(s.cdek, [`R-3;30.11.2026;;${s.codes[0]};1000;970;20;10`]);
      const { digest } = await previewRemittance({ ctx, input: good });
      const changed = fileInput(s.cdek, [`R-3;30.11.2026;;${s.codes[0]};1000;960;30;10`]);
      await expect(applyRemittance({ ctx, input: { ...changed, digest } })).rejects.toMatchObject({
        code: "CONFLICT",
        message: "Реестр изменился после просмотра: посмотрите его ещё раз и проведите заново",
      });
      expect(
        (await tx.select({ n: count() }).from(remittances).where(eq(remittances.companyId, s.t.company.id)))[0]!.n,
      ).toBe(0);

      // A stated total that differs from the lines is kept on the document as its problem.
      const input = fileInput(s.cdek, [`R-4;30.11.2026;;${s.codes[2]};1000;970;20;10`]);
      input.source.contentBase64 = Buffer.from(
        `registry_number;sum;cdek_number;payment_sum;transfer_sum;agent_commission_sum\nR-4;1000;${s.codes[2]};1000;970;10\n`,
      ).toString("base64");
      const { created } = await applyRemittance({ ctx, input });
      const doc = await getRemittance({ ctx, input: { id: created[0]!.id } });
      expect(doc).toMatchObject({
        total: "1000.00",
        problem: "Сумма реестра 1 000,00 ₽ не равна сумме к перечислению по заказам 970,00 ₽",
      });
      // Without «Сумма без агентского» the agent price is what CDEK kept back from the COD.
      expect(await agentPriceOf(tx, s.mine[2]!.id)).toBe("30.00");
    }));

  it(
    "previews and applies a 5,000-line registry",
    () =>
      withTestTransaction(async (tx) => {
        const t = await createTenant(tx);
        const cdek = await integration(tx, t, "cdek");
        const list = await createOrders(tx, t.company.id, t.client.id, 5000, { codAmount: 1000 });
        const codes = list.map((_, i) => String(3_000_000_000 + i));
        await handOver(tx, t, cdek, list, codes);
        const input = fileInput(
          cdek,
          codes.map((c, i) => `R-5000;30.11.2026;PP-1;${c};${i % 100 === 0 ? 999 : 1000};970;20;10`),
        );
        const preview = await previewRemittance({ ctx: t.staffCtx, input });
        expect(preview.registries[0]!.counts).toEqual({ matched: 4950, mismatch: 50, unknown: 0 });
        expect(preview.linesShown).toBe(2000);
        const applied = await applyRemittance({ ctx: t.staffCtx, input: { ...input, digest: preview.digest } });
        expect(applied.created[0]).toMatchObject({ lineCount: 5000, problemCount: 50 });
        const priced = await tx
          .select({ n: count() })
          .from(orders)
          .where(
            and(
              inArray(
                orders.id,
                list.map((o) => o.id),
              ),
              eq(orders.agentPrice, "30.00"),
            ),
          );
        expect(priced[0]!.n).toBe(5000);
        expect((await applyRemittance({ ctx: t.staffCtx, input })).created).toEqual([]);
      }),
    // 5,000 orders are created through the order factory first: most of the time goes there.
    120_000,
  );
});

async function feedEntries(tx: Queryable, companyId: number) {
  return (await tx.select({ n: count() }).from(orderChanges).where(eq(orderChanges.companyId, companyId)))[0]!.n;
}

// ─── From CDEK itself ──────────────────────────────────────────────────────────────────────────────────────────────

describe("fetchCdekRegistries (against the CDEK stand-in)", () => {
  let cdek: CdekStandIn;
  const account = { account: "registry-account", secure: "registry-secure" };
  beforeAll(async () => {
    cdek = await startCdekStandIn({ accounts: [account] });
    cdek.addRegistry({
      date: "2026-11-30",
      registry_number: 880001,
      payment_order_number: 55,
      orders: [
        {
          cdek_number: "1000000001",
          transfer_sum: 970,
          payment_sum: 1000,
          total_sum_without_agent: 20,
          agent_commission_sum: 10,
        },
      ],
    });
  });
  afterAll(() => cdek.close());

  const settings = (secret = account.secure) =>
    cdekSettingsSchema.parse({
      account: account.account,
      securePassword: secret,
      tariffCode: 136,
      shipmentPoint: "MSK001",
      apiUrl: cdek.url,
    });
  const options = () => ({
    timeoutMs: 5000,
    selfApiUrl: "http://127.0.0.1:9/api",
    integrationId: 1_000_000 + Math.floor(Math.random() * 1e6),
  });

  it("gets the day's registries with a token, and says in Russian what CDEK refused", async () => {
    const answer = await fetchCdekRegistries(settings(), "2026-11-30", options());
    expect(answer.problems).toEqual([]);
    expect(answer.registries).toEqual([
      {
        number: "880001",
        paymentDate: "2026-11-30",
        paymentOrderNumber: "55",
        total: 97_000,
        lines: [
          {
            lineNo: 1,
            cdekNumber: "1000000001",
            paymentSum: 100_000,
            transferSum: 97_000,
            totalWithoutAgent: 2_000,
            commission: 1_000,
          },
        ],
      },
    ]);
    expect(await fetchCdekRegistries(settings(), "2026-12-01", options())).toEqual({ registries: [], problems: [] });

    const refused = await fetchCdekRegistries(settings(), "30.11.2026", options()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PartnerError);
    expect((refused as PartnerError).message).toBe(
      "СДЭК не выдал реестр наложенных платежей за 30.11.2026: Поле [date] должно быть датой ГГГГ-ММ-ДД (v2_invalid_format)",
    );
    const badKey = await fetchCdekRegistries(settings("wrong"), "2026-11-30", options()).catch((e: unknown) => e);
    expect((badKey as PartnerError).message).toMatch(/^СДЭК отклонил ключи интеграции: /);
  });

  it("loads a registry from CDEK for a date through the company's integration", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      await saveIntegration({
        ctx: t.staffCtx,
        input: {
          branchId: t.branch.id,
          integrator: "cdek",
          values: {
            account: account.account,
            securePassword: account.secure,
            tariffCode: 136,
            shipmentPoint: "MSK001",
            apiUrl: cdek.url,
          },
        },
      });
      const [i] = await tx
        .select({ id: integrations.id })
        .from(integrations)
        .where(eq(integrations.companyId, t.company.id));
      const [o] = await createOrders(tx, t.company.id, t.client.id, 1, { codAmount: 1000 });
      await handOver(tx, t, i!.id, [o!], ["1000000001"]);

      const input = { integrationId: i!.id, source: { kind: "partner" as const, date: "2026-11-30" } };
      const preview = await previewRemittance({ ctx: t.staffCtx, input });
      expect(preview.registries[0]).toMatchObject({
        number: "880001",
        counts: { matched: 1, mismatch: 0, unknown: 0 },
      });
      const applied = await applyRemittance({ ctx: t.staffCtx, input: { ...input, digest: preview.digest } });
      expect((await getRemittance({ ctx: t.staffCtx, input: { id: applied.created[0]!.id } })).source).toBe("partner");
      expect(await agentPriceOf(tx, o!.id)).toBe("30.00");

      const empty = await previewRemittance({
        ctx: t.staffCtx,
        input: { ...input, source: { kind: "partner", date: "2026-12-01" } },
      });
      expect(empty.warnings).toEqual(["СДЭК не прислал реестров наложенных платежей за 01.12.2026"]);
      cdek.failNext(1, "500");
      await expect(applyRemittance({ ctx: t.staffCtx, input })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "Не удалось получить реестр из СДЭК: СДЭК ответил ошибкой HTTP 500 (реестр наложенных платежей)",
      });
    }));
});
