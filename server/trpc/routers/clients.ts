import { createClient, getClient, listClients, updateClient } from "../../services/clients";
import {
  clientIdSchema,
  createClientSchema,
  listClientsSchema,
  updateClientSchema,
} from "../../services/clients/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const clientsRouter = createTRPCRouter({
  list: companyProcedure.input(listClientsSchema).query(({ ctx, input }) => listClients({ ctx: ctx.service, input })),
  get: companyProcedure.input(clientIdSchema).query(({ ctx, input }) => getClient({ ctx: ctx.service, input })),
  create: companyProcedure
    .input(createClientSchema)
    .mutation(({ ctx, input }) => createClient({ ctx: ctx.service, input })),
  update: companyProcedure
    .input(updateClientSchema)
    .mutation(({ ctx, input }) => updateClient({ ctx: ctx.service, input })),
});
