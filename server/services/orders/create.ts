import { getApiOrderRules } from "../api-settings";
import type { ServiceCall } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { createOrderSchema, type CreateOrderInput } from "./schemas";
import { validateOrder, withSenderFromClient } from "./validate";
import { insertOrders } from "./write";

export const FIX_FIELDS = "Исправьте ошибки в отмеченных полях";

/**
 * Creates one order from the cabinet form. Staff pick the client; a client account always orders for itself. The
 * sender defaults to the client's card; towns and the company's required fields are checked as at the XML API.
 */
export async function createOrder({ ctx, input }: ServiceCall<CreateOrderInput>) {
  const parsed = createOrderSchema.parse(input);
  const companyId = ctx.actor.companyId;
  const clientId = ctx.actor.type === "client" ? ctx.actor.clientId : parsed.clientId;
  if (!clientId) throw new ValidationError("Выберите клиента", { clientId: ["Выберите клиента"] });
  const order = await withSenderFromClient(ctx.db, companyId, clientId, parsed);
  const v = await validateOrder(ctx.db, order, await getApiOrderRules(ctx.db, companyId), "cabinet");
  if ("fieldErrors" in v) throw new ValidationError(FIX_FIELDS, v.fieldErrors);

  return ctx.db.transaction(async (tx) => {
    const [result] = await insertOrders(tx, companyId, "cabinet", [{ clientId, data: v.data }]);
    if (!result!.ok) {
      if (result!.reason === "client") throw new NotFoundError("Клиент", "clientId");
      throw new ConflictError("Заказ с таким номером уже есть в этом году", {
        number: ["Заказ с таким номером уже есть в этом году"],
      });
    }
    return { id: result!.id, number: result!.number };
  });
}
