import { findCompanyByExtra } from "@/server/services/auth/api";
import { ServiceError, ValidationError } from "@/server/services/errors";
import { setAgentOrderStatus } from "@/server/services/orders/lifecycle";
import { commitChanges, DEFAULT_STREAM, pollChanges } from "@/server/services/orders/feed";
import { searchOrders, trackOrder, type FeedMode, type OrderSearch } from "@/server/services/orders/lookup";
import { statusTitle } from "@/server/services/orders/statuses";
import { orderToXml } from "../order-xml";
import { XmlRequestError, type AuthedCall, type XmlCall } from "../types";
import { attr, el, field, formatDateTime, many, num, one, parseDateTime, text, type OutNode, type XNode } from "../xml";
import { itemResult, orderErrorCode } from "./orders";

/** CLIENT (default) or AGENT; the English page's «clients=AGENTS» spelling is accepted too. */
function feedMode(node: XNode): FeedMode {
  const v = (text(node.client) ?? text(node.clients) ?? attr(node, "client") ?? "CLIENT").toUpperCase();
  return v === "AGENT" || v === "AGENTS" ? "AGENT" : "CLIENT";
}

/** streamid 100…10000; absent means the account's default stream. */
function streamId(node: XNode): number {
  const s = text(node.streamid);
  if (s === undefined) return DEFAULT_STREAM;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 100 || n > 10_000) throw new XmlRequestError(34, "streamid: целое число от 100 до 10000");
  return n;
}

const DONE = new Set(["ONLY_DONE", "ONLY_NOT_DONE", "ONLY_NEW", "ONLY_DELIVERY"]);

export async function statusreq(call: AuthedCall): Promise<OutNode> {
  const node = call.node;
  const mode = feedMode(node);
  if (text(node.changes)?.toUpperCase() === "ONLY_LAST") {
    // All other filters are ignored with changes=ONLY_LAST (§4.2).
    const orders = await pollChanges({ ctx: call.ctx, input: { mode, streamId: streamId(node) } });
    return el("statusreq", { count: orders.length }, orders.map(orderToXml));
  }
  const conditions = one(node.conditions);
  const search: OrderSearch = {
    mode,
    number: text(node.orderno),
    dateFrom: text(node.datefrom),
    dateTo: text(node.dateto),
    target: text(node.target),
    nameContains: field(conditions, "namecontains"),
    nameStarts: field(conditions, "namestarts"),
  };
  const done = text(node.done)?.toUpperCase();
  if (done && DONE.has(done)) search.done = done as OrderSearch["done"];
  const ordercode = text(node.ordercode);
  // orderno2 and givencode are never assigned here, and an ordercode that is not a number names nothing.
  if (text(node.orderno2) || text(node.givencode) || (ordercode !== undefined && !/^\d{1,15}$/.test(ordercode)))
    return el("statusreq", { count: 0 });
  if (ordercode) search.id = Number(ordercode);
  try {
    const { orders } = await searchOrders({ ctx: call.ctx, input: search });
    return el("statusreq", { count: orders.length }, orders.map(orderToXml));
  } catch (e) {
    if (e instanceof ValidationError && (e.fieldErrors?.dateFrom || e.fieldErrors?.dateTo))
      throw new XmlRequestError(12, e.message);
    throw e;
  }
}

/** Acknowledges the stream's last poll; a commit without a poll since the last commit changes nothing. */
export async function commitlaststatus(call: AuthedCall): Promise<OutNode> {
  await commitChanges({ ctx: call.ctx, input: { mode: feedMode(call.node), streamId: streamId(call.node) } });
  return el("commitlaststatus", { error: 0, errormsg: "OK", errormsgru: "Успешно" });
}

/** The generic «12 Bad date/time» on one order of setorderinfo. */
function badTime(attrs: Record<string, string>, detail: string): OutNode {
  return el("order", {
    ...attrs,
    error: 12,
    errormsg: "Bad date/time",
    errormsgru: `Некорректная дата или время: ${detail}`,
  });
}

/** setorderinfo: a partner reports status/time/message for orders handed to it (§8.2). */
export async function setorderinfo(call: AuthedCall): Promise<OutNode> {
  const out: OutNode[] = [];
  for (const o of many(call.node.order)) {
    const ordercode = field(o, "ordercode");
    const orderno = field(o, "orderno");
    const attrs = { ordercode: ordercode ?? "", orderno: orderno ?? "" };
    try {
      const status = text(o.status)?.toUpperCase();
      // Current form: <eventtime>; an older revision sent date/time/message as attributes of <order>.
      const when =
        text(o.eventtime) ?? (attr(o, "date") ? `${attr(o, "date")} ${attr(o, "time") ?? "00:00"}` : undefined);
      const eventTime = parseDateTime(when);
      if (when !== undefined && !eventTime) {
        out.push(badTime(attrs, "eventtime: ГГГГ-ММ-ДД ЧЧ:ММ:СС"));
        continue;
      }
      if (ordercode !== undefined && !/^\d{1,15}$/.test(ordercode)) {
        out.push(itemResult("order", attrs, 52));
        continue;
      }
      const res = await setAgentOrderStatus({
        ctx: call.ctx,
        input: {
          id: ordercode ? Number(ordercode) : undefined,
          number: ordercode ? undefined : orderno,
          status,
          eventTime,
          message: text(o.message) ?? attr(o, "message"),
        },
      });
      out.push(
        itemResult(
          "order",
          { ordercode: res.id, orderno: res.number, status: res.status },
          0,
          res.kept ? "финальный статус заказа сохранён, событие записано в историю" : undefined,
        ),
      );
    } catch (e) {
      if (e instanceof ServiceError && e.fieldErrors?.eventTime) {
        out.push(badTime(attrs, e.message));
        continue;
      }
      const mapped = orderErrorCode(e);
      if (!mapped) throw e;
      out.push(itemResult("order", attrs, mapped.code, mapped.detail));
    }
  }
  return el("setorderinfo", {}, out);
}

/** tracking: anonymous, by the courier's extra code and the order number; towns, weight, places and status only. */
export async function tracking(call: XmlCall): Promise<OutNode> {
  const extra = text(call.node.extra) ?? attr(one(call.node.auth), "extra");
  const number = text(call.node.orderno);
  const company = await findCompanyByExtra(call.db, extra);
  const order = company && number ? await trackOrder(call.db, company.id, number) : null;
  if (!order) return el("tracking", { count: 0 });
  return el("tracking", { count: 1 }, [
    el("order", { orderno: order.number }, [
      el("sender", {}, [el("town", {}, order.senderTown)]),
      el("receiver", {}, [el("town", {}, order.receiverTown)]),
      el("weight", {}, num(order.weight)),
      el("quantity", {}, order.quantity),
      el("status", { eventtime: formatDateTime(order.statusAt), title: statusTitle(order.status) }, order.status),
    ]),
  ]);
}
