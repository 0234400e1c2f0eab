import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { shopAppInstalls } from "@/db/schema";
import { PartnerError } from "@/server/integrators/errors";
import { UnreachableError } from "@/server/integrators/http";
import { readShopStatuses } from "@/server/integrators/insales/client";
import { insalesSettingsSchema } from "@/server/integrators/insales/settings";
import { findUser } from "../auth/authenticate";
import { TooManyRequestsError, UnauthorizedError, ValidationError, zodFieldErrors } from "../errors";
import { ORDER_STATUSES } from "../orders/statuses";
import { throttledSignIn } from "../security/throttle";
import { upsertClientIntegration } from "./client-integration";
import { findInstallById, installPassword } from "./installs";
import { linkShopSchema, ticketSchema } from "./schemas";
import { dropTickets, issueTicket, peekTicket } from "./tickets";

const STALE_LINK = "Ссылка устарела: откройте приложение из бэк-офиса InSales ещё раз";
const STATUS_READ_TIMEOUT_MS = 10_000;

async function installOfTicket(db: Queryable, ticket: unknown) {
  const parsed = ticketSchema.safeParse(ticket);
  const t = parsed.success ? await peekTicket(db, "link", parsed.data) : null;
  const install = t ? await findInstallById(db, t.installId) : undefined;
  if (!install || install.app !== "insales") throw new UnauthorizedError(STALE_LINK);
  return install;
}

/**
 * What the link page shows: the shop, its statuses read from InSales (the standard ones and its own), or why they
 * could not be read (the page then lets the status be typed), and our statuses to map back.
 */
export async function linkPageInfo(db: Queryable, ticket: unknown) {
  const install = await installOfTicket(db, ticket);
  let statuses: { value: string; title: string }[] | null = null;
  let statusError: string | null = null;
  try {
    statuses = await readShopStatuses(
      { shop: install.shop, password: installPassword(install) },
      STATUS_READ_TIMEOUT_MS,
    );
  } catch (e) {
    if (!(e instanceof PartnerError || e instanceof UnreachableError)) throw e;
    statusError = `Не удалось получить статусы магазина: ${e.message}`;
  }
  const ourStatuses = Object.entries(ORDER_STATUSES).map(([code, title]) => ({ code, title }));
  return { shop: install.shop, shopId: install.shopId, statuses, statusError, ourStatuses };
}

/**
 * The link page's «Сохранить»: our client account checked like the cabinet's sign-in (the one throttle, door
 * «shop-app»), then the shop becomes that client's InSales integration. The client's password is checked only;
 * what is stored is the app's own per-shop password, sealed. Returns a one-time sign-in into the cabinet.
 */
export async function linkInsalesShop(db: Queryable, input: unknown, ip: string) {
  const r = linkShopSchema.safeParse(input);
  if (!r.success) throw new ValidationError("Проверьте поля формы", zodFieldErrors(r.error));
  const data = r.data;
  await installOfTicket(db, data.ticket);

  const { actor, name: clientName } = await clientAccount(db, data, ip);

  return db.transaction(async (tx) => {
    const installId = (await installOfTicket(tx, data.ticket)).id;
    const owner = { companyId: actor.companyId, clientId: actor.clientId };
    const { shopInstallId, integrationId } = await attachShop(tx, installId, owner, data);
    await dropTickets(tx, shopInstallId, "link");
    const ticket = await issueTicket(tx, "sign-in", shopInstallId, { clientId: owner.clientId });
    return {
      integrationId,
      clientName,
      enterPath: `/shop-apps/insales/enter?ticket=${ticket}`,
    };
  });
}

/**
 * A shop app's form names our client account: checked like the cabinet's sign-in (the one throttle, door «shop-app»),
 * and only a client's account links a shop (a staff login is told so).
 */
export async function clientAccount(
  db: Queryable,
  data: { extra: number; login: string; password: string },
  ip: string,
) {
  const attempt = { door: "shop-app" as const, extra: data.extra, login: data.login, ip };
  const result = await throttledSignIn(db, attempt, () => findUser(db, data.extra, data.login, data.password));
  if (result.status === "wrong") throw new UnauthorizedError("Неверный код курьерской службы, логин или пароль");
  if (result.status === "refused") {
    throw new TooManyRequestsError(
      result.kind === "slowed"
        ? `Под этим логином сейчас много неудачных попыток входа. Повторите через ${result.retryAfterSeconds} с.`
        : "Слишком много неудачных попыток входа с вашего адреса. Подождите 15 минут и попробуйте снова.",
    );
  }
  const actor = result.value.actor;
  if (actor.type !== "client") {
    throw new ValidationError("Это вход сотрудника службы: введите логин и пароль клиента (магазина)", {
      login: ["Нужен логин клиента, а не сотрудника"],
    });
  }
  return { actor, name: result.value.name };
}

/**
 * Makes the installed shop the client's InSales integration (one per client; a shop linked anew leaves the old link
 * switched off and without its password). Runs in the caller's transaction; the shop's row is locked.
 */
export async function attachShop(
  tx: Queryable,
  installId: number,
  client: { companyId: number; clientId: number },
  data: { triggerStatus: string; prefix?: string; statusMap: Record<string, string | undefined> },
) {
  // The shop's row locked: two link forms of one shop at once make one integration, the second sees the first.
  const [shop] = await tx.select().from(shopAppInstalls).where(eq(shopAppInstalls.id, installId)).for("update");
  if (!shop) throw new UnauthorizedError(STALE_LINK);
  const integrationId = await upsertClientIntegration(tx, {
    install: shop,
    client,
    integrator: "insales",
    taken: (other) => `К этому клиенту уже подключён магазин ${other}. Сначала удалите приложение в том магазине.`,
    build: () => {
      const checked = insalesSettingsSchema.safeParse({
        shop: shop.shop,
        insalesId: shop.shopId,
        password: installPassword(shop),
        triggerStatus: data.triggerStatus,
        prefix: data.prefix || undefined,
        statusMap: Object.fromEntries(Object.entries(data.statusMap).filter(([, v]) => v)),
      });
      if (!checked.success) throw new ValidationError("Проверьте поля формы", zodFieldErrors(checked.error));
      const { password, ...settings } = checked.data;
      return { settings, secrets: { password } };
    },
  });
  return { shopInstallId: shop.id, integrationId };
}
