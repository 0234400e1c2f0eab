import {
  applyRemittance,
  getRemittance,
  listCdekIntegrations,
  listRemittanceLines,
  listRemittances,
  previewRemittance,
} from "../../services/remittances";
import {
  applyRemittanceSchema,
  listRemittancesSchema,
  previewRemittanceSchema,
  remittanceIdSchema,
  remittanceLinesSchema,
} from "../../services/remittances/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const remittancesRouter = createTRPCRouter({
  list: companyProcedure
    .input(listRemittancesSchema)
    .query(({ ctx, input }) => listRemittances({ ctx: ctx.service, input })),
  get: companyProcedure.input(remittanceIdSchema).query(({ ctx, input }) => getRemittance({ ctx: ctx.service, input })),
  lines: companyProcedure
    .input(remittanceLinesSchema)
    .query(({ ctx, input }) => listRemittanceLines({ ctx: ctx.service, input })),
  integrations: companyProcedure.query(({ ctx }) => listCdekIntegrations({ ctx: ctx.service, input: undefined })),
  // Mutations, though preview writes nothing: the file travels in the request body, never in a GET's URL.
  preview: companyProcedure
    .input(previewRemittanceSchema)
    .mutation(({ ctx, input }) => previewRemittance({ ctx: ctx.service, input })),
  // «Провести»: `apply` is a name tRPC reserves.
  post: companyProcedure
    .input(applyRemittanceSchema)
    .mutation(({ ctx, input }) => applyRemittance({ ctx: ctx.service, input })),
});
