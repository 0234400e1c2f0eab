import { createOrder } from "../../services/orders/create";
import { getOrder } from "../../services/orders/get";
import { cancelOrder, setOrderStatus } from "../../services/orders/lifecycle";
import { listOrders } from "../../services/orders/list";
import {
  createOrderSchema,
  listOrdersSchema,
  orderIdSchema,
  setOrderStatusSchema,
  updateOrderSchema,
} from "../../services/orders/schemas";
import { updateOrder } from "../../services/orders/update";
import { companyProcedure, createTRPCRouter } from "../init";

export const ordersRouter = createTRPCRouter({
  list: companyProcedure.input(listOrdersSchema).query(({ ctx, input }) => listOrders({ ctx: ctx.service, input })),
  get: companyProcedure.input(orderIdSchema).query(({ ctx, input }) => getOrder({ ctx: ctx.service, input })),
  create: companyProcedure
    .input(createOrderSchema)
    .mutation(({ ctx, input }) => createOrder({ ctx: ctx.service, input })),
  update: companyProcedure
    .input(updateOrderSchema)
    .mutation(({ ctx, input }) => updateOrder({ ctx: ctx.service, input })),
  setStatus: companyProcedure
    .input(setOrderStatusSchema)
    .mutation(({ ctx, input }) => setOrderStatus({ ctx: ctx.service, input })),
  // Staff and client accounts alike: the lifecycle decides who may cancel what.
  cancel: companyProcedure
    .input(orderIdSchema)
    .mutation(({ ctx, input }) => cancelOrder({ ctx: ctx.service, input: { id: input.id } })),
});
