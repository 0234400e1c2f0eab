import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { clients, inboundOrders, integrations } from "@/db/schema";
import { PartnerError } from "../../integrators/errors";
import { integratorTitle } from "../../integrators/catalog";
import { getIntegrator } from "../../integrators/registry";
import type { ServiceCall, ServiceContext } from "../context";
import { ConflictError, NotFoundError } from "../errors";
import { importShopOrdersById } from "../exchange/inbound";
import {
  listImportErrorsSchema,
  RETRY_IMPORT_MAX,
  retryImportSchema,
  type ListImportErrorsInput,
  type RetryImportInput,
} from "./apps-schemas";
import { heldImport, ownedBy, shopOf } from "./owned";

/** Orders re-read per transaction: the integration's import lock is not held over the whole retry. */
const RETRY_CHUNK = 50;

/** The app as the caller may see it (staff: any client's of the company, a client account: its own), else not found. */
async function loadApp(ctx: ServiceContext, id: number) {
  const [app] = await ctx.db
    .select({
      id: integrations.id,
      integrator: integrations.integrator,
      settings: integrations.settings,
      enabled: integrations.enabled,
      clientName: clients.name,
    })
    .from(integrations)
    .innerJoin(clients, eq(clients.id, integrations.clientId))
    .where(and(ownedBy(ctx), eq(integrations.id, id)));
  if (!app) throw new NotFoundError("Приложение");
  return {
    id: app.id,
    title: integratorTitle(app.integrator),
    shop: shopOf(app.settings),
    enabled: app.enabled,
    clientName: app.clientName,
    // Orders we read from the shop can be read again; ones the platform sends (RetailCRM's save) only it can resend.
    canRetry: !!getIntegrator(app.integrator)?.inbound,
  };
}

const heldOf = (ctx: ServiceContext, integrationId: number) =>
  and(eq(inboundOrders.integrationId, integrationId), eq(inboundOrders.companyId, ctx.actor.companyId), heldImport);

/** «Ошибки импорта»: the app's shop orders held with a reason (shop number, reason, when, shop status), newest first. */
export async function listImportErrors({ ctx, input }: ServiceCall<ListImportErrorsInput>) {
  const q = listImportErrorsSchema.parse(input);
  const app = await loadApp(ctx, q.id);
  const rows = await ctx.db
    .select({
      id: inboundOrders.id,
      number: inboundOrders.number,
      error: inboundOrders.error,
      shopStatus: inboundOrders.shopStatus,
      orderId: inboundOrders.orderId,
      at: inboundOrders.updatedAt,
    })
    .from(inboundOrders)
    .where(and(heldOf(ctx, app.id), q.cursor ? lt(inboundOrders.id, q.cursor) : undefined))
    .orderBy(desc(inboundOrders.id))
    .limit(q.limit + 1);
  const hasMore = rows.length > q.limit;
  const items = (hasMore ? rows.slice(0, q.limit) : rows).map((r) => ({ ...r, error: r.error ?? "" }));
  return { app, items, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}

/**
 * «Повторить»: reads the held orders again from the shop and imports them the way the poller does (our checks may
 * pass now: a town added to the reference, the shop fixed the phone). Answers how many came in and what is still held
 * and why. A shop that does not answer stops the retry: what was done before stays done.
 */
export async function retryImport({ ctx, input }: ServiceCall<RetryImportInput>) {
  const q = retryImportSchema.parse(input);
  const app = await loadApp(ctx, q.id);
  if (!app.enabled) throw new ConflictError("Приложение отключено: включите его, чтобы повторить импорт");
  if (!app.canRetry) {
    throw new ConflictError(
      `Заказы ${app.title} приходят, когда их сохраняют в ${app.title}: исправьте заказ там и сохраните его ещё раз`,
    );
  }
  const held = await ctx.db
    .select({ id: inboundOrders.id, partnerOrderId: inboundOrders.partnerOrderId })
    .from(inboundOrders)
    .where(and(heldOf(ctx, app.id), q.inboundIds ? inArray(inboundOrders.id, q.inboundIds) : undefined))
    .orderBy(desc(inboundOrders.id))
    .limit(RETRY_IMPORT_MAX);

  let tried = 0;
  let stopped: string | null = null;
  for (let i = 0; i < held.length; i += RETRY_CHUNK) {
    const chunk = held.slice(i, i + RETRY_CHUNK);
    try {
      await ctx.db.transaction((tx) =>
        importShopOrdersById(
          tx,
          app.id,
          chunk.map((r) => r.partnerOrderId),
        ),
      );
      tried += chunk.length;
    } catch (e) {
      if (!(e instanceof PartnerError)) throw e;
      stopped = `Магазин не ответил: ${e.message}`;
      break;
    }
  }

  const ids = held.slice(0, tried).map((r) => r.id);
  const after =
    ids.length === 0
      ? []
      : await ctx.db
          .select({
            id: inboundOrders.id,
            number: inboundOrders.number,
            state: inboundOrders.state,
            error: inboundOrders.error,
          })
          .from(inboundOrders)
          .where(and(eq(inboundOrders.integrationId, app.id), inArray(inboundOrders.id, ids)))
          .orderBy(desc(inboundOrders.id));
  // A held order the shop has cancelled meanwhile needs nothing: neither imported nor an error any more.
  const stillHeld = after.filter((r) => r.error !== null && r.state !== "cancelled");
  const cancelled = after.filter((r) => r.state === "cancelled").length;
  return {
    tried,
    imported: after.length - stillHeld.length - cancelled,
    cancelled,
    held: stillHeld.map((r) => ({ id: r.id, number: r.number, error: r.error! })),
    stopped,
  };
}
