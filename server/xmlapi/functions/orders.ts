import { ZodError } from "zod";
import { ConflictError, NotFoundError, ServiceError, ValidationError, zodFieldErrors } from "@/server/services/errors";
import { cancelOrder, possibleOrderRefs, resolveOrderId } from "@/server/services/orders/lifecycle";
import { createOrdersBatch } from "@/server/services/orders/create-batch";
import { editApiOrder } from "@/server/services/orders/update";
import { codeForFieldErrors, ORDER_ERRORS, type OrderErrorCode } from "../codes";
import { orderFromXml } from "../order-xml";
import type { AuthedCall } from "../types";
import { attr, el, field, many, num, type OutNode } from "../xml";

export function itemResult(
  name: string,
  attrs: Record<string, string | number | undefined | null>,
  code: OrderErrorCode,
  detail?: string,
): OutNode {
  const [en, ru] = ORDER_ERRORS[code];
  return el(name, {
    ...attrs,
    error: code,
    errormsg: code === 0 && name !== "createorder" ? "OK" : en,
    errormsgru: detail ? `${ru}: ${detail}` : ru,
  });
}

/** Service failures of one order → its MeaSoft code. */
export function orderErrorCode(e: unknown): { code: OrderErrorCode; detail?: string } | null {
  if (e instanceof ZodError) {
    const { code, message } = codeForFieldErrors(zodFieldErrors(e));
    return { code, detail: message };
  }
  if (e instanceof ValidationError && e.fieldErrors) {
    const { code, message } = codeForFieldErrors(e.fieldErrors);
    return { code, detail: message };
  }
  if (e instanceof NotFoundError) return { code: 52 };
  if (e instanceof ConflictError) return e.fieldErrors?.number ? { code: 17 } : { code: 53, detail: e.message };
  if (e instanceof ServiceError)
    return e.fieldErrors
      ? { code: codeForFieldErrors(e.fieldErrors).code, detail: e.message }
      : { code: 99, detail: e.message };
  return null;
}

/** neworder: several orders per request, each answered by its own <createorder>. */
export async function neworder(call: AuthedCall): Promise<OutNode> {
  const orders = many(call.node.order);
  if (orders.length === 0) return el("neworder", {}, [itemResult("createorder", {}, 2)]);
  const mapped = orders.map((o) => orderFromXml(o, call.node));
  const results = await createOrdersBatch({
    ctx: call.ctx,
    input: { orders: mapped.map((m) => m.data), extras: mapped.map((m) => m.extras), source: "api" },
  });
  return el(
    "neworder",
    {},
    results.map((r, i) => {
      const orderno = field(orders[i], "orderno") ?? "";
      if (r.ok) {
        return itemResult(
          "createorder",
          {
            orderno: r.number,
            barcode: r.barcode ?? r.number,
            ordercode: r.id,
            orderprice: num(r.codAmount + r.deliveryPrice),
          },
          0,
        );
      }
      if (r.reason === "duplicate") return itemResult("createorder", { orderno: r.number ?? orderno }, 17);
      if (r.reason === "client") return itemResult("createorder", { orderno }, 1);
      const { code, message } = codeForFieldErrors(r.fieldErrors);
      return itemResult("createorder", { orderno }, code, message);
    }),
  );
}

/** editorder: same body as neworder; each order is found by orderno/ordercode and replaced while still editable. */
export async function editorder(call: AuthedCall): Promise<OutNode> {
  const orders = many(call.node.order);
  if (orders.length === 0) return el("editorder", {}, [itemResult("createorder", {}, 2)]);
  const { ctx } = call;
  const out: OutNode[] = [];
  for (const o of orders) {
    const orderno = field(o, "orderno");
    const ordercode = field(o, "ordercode");
    const attrs = { orderno: orderno ?? "", ordercode };
    try {
      const id = await resolveOrderId({
        ctx,
        input: { id: ordercode ? parseOrderCode(ordercode) : undefined, number: ordercode ? undefined : orderno },
      });
      const { data } = orderFromXml(o, call.node);
      // Validation (towns, required fields) and the lifecycle's «may edit» run in the service, as for the cabinet.
      const res = await editApiOrder({ ctx, input: { id, order: data } });
      out.push(
        itemResult(
          "createorder",
          { orderno: res.number, ordercode: id, orderprice: num(res.codAmount + res.deliveryPrice) },
          0,
        ),
      );
    } catch (e) {
      const mapped = orderErrorCode(e);
      if (!mapped) throw e;
      out.push(itemResult("createorder", attrs, mapped.code, mapped.detail));
    }
  }
  return el("editorder", {}, out);
}

/** An ordercode that is not a positive integer cannot name any order. */
function parseOrderCode(s: string): number {
  const n = Number(s);
  if (!/^\d{1,15}$/.test(s) || !Number.isSafeInteger(n) || n <= 0) throw new NotFoundError("Заказ");
  return n;
}

/** cancelorder: <order orderno|ordercode/> (or a child <orderno>), each answered with its own result. */
export async function cancelorder(call: AuthedCall): Promise<OutNode> {
  const orders = many(call.node.order).map((o) => {
    const orderno = field(o, "orderno");
    const ordercode = attr(o, "ordercode") ?? field(o, "ordercode");
    const attrs = { orderno: orderno ?? "", ordercode: ordercode ?? "" };
    const id = ordercode && /^\d{1,15}$/.test(ordercode) ? Number(ordercode) : undefined;
    return { orderno, ordercode, attrs, ref: { id, number: orderno } };
  });
  const possible = await possibleOrderRefs({ ctx: call.ctx, input: orders.map((o) => o.ref) });
  const out: OutNode[] = [];
  for (const { orderno, ordercode, attrs, ref } of orders) {
    try {
      if ((!orderno && !ordercode) || !possible(ref)) throw new NotFoundError("Заказ");
      const res = await cancelOrder({
        ctx: call.ctx,
        input: { id: ordercode ? parseOrderCode(ordercode) : undefined, number: orderno, source: "api" },
      });
      // At a partner already: accepted here, sent on by the worker; statusreq shows CANCELED once the partner confirms.
      const detail =
        res.outcome === "requested"
          ? "отмена отправлена партнёру, заказ будет отменён после его подтверждения"
          : undefined;
      out.push(itemResult("order", { orderno: res.number, ordercode: res.id }, 0, detail));
    } catch (e) {
      const mapped = orderErrorCode(e);
      if (!mapped) throw e;
      out.push(itemResult("order", attrs, mapped.code, mapped.detail));
    }
  }
  return el("cancelorder", { count: orders.length }, out);
}
