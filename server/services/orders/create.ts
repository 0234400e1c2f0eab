import type { ServiceCall } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { createOrderSchema, type CreateOrderInput } from "./schemas";
import { insertOrders } from "./write";

/** Creates one order from the cabinet form. Staff pick the client; a client account always orders for itself. */
export async function createOrder({ ctx, input }: ServiceCall<CreateOrderInput>) {
  const data = createOrderSchema.parse(input);
  const clientId = ctx.actor.type === "client" ? ctx.actor.clientId : data.clientId;
  if (!clientId) throw new ValidationError("Выберите клиента", { clientId: ["Выберите клиента"] });

  return ctx.db.transaction(async (tx) => {
    const [result] = await insertOrders(tx, ctx.actor.companyId, "cabinet", [{ clientId, data }]);
    if (!result!.ok) {
      if (result!.reason === "client") throw new NotFoundError("Клиент", "clientId");
      throw new ConflictError("Заказ с таким номером уже есть в этом году", { number: ["Заказ с таким номером уже есть в этом году"] });
    }
    return { id: result!.id, number: result!.number };
  });
}
