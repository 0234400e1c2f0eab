import { getOrderSync, retryTransfer } from "../../services/exchange/order-sync";
import { orderRefSchema } from "../../services/exchange/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const syncRouter = createTRPCRouter({
  order: companyProcedure.input(orderRefSchema).query(({ ctx, input }) => getOrderSync({ ctx: ctx.service, input })),
  retry: companyProcedure
    .input(orderRefSchema)
    .mutation(({ ctx, input }) => retryTransfer({ ctx: ctx.service, input })),
});
