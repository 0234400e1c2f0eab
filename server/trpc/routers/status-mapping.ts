import { listStatusMappings, resetStatusMapping, saveStatusMapping } from "../../services/status-mapping";
import { resetStatusMappingSchema, saveStatusMappingSchema } from "../../services/status-mapping/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const statusMappingRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listStatusMappings({ ctx: ctx.service, input: undefined })),
  save: companyProcedure
    .input(saveStatusMappingSchema)
    .mutation(({ ctx, input }) => saveStatusMapping({ ctx: ctx.service, input })),
  reset: companyProcedure
    .input(resetStatusMappingSchema)
    .mutation(({ ctx, input }) => resetStatusMapping({ ctx: ctx.service, input })),
});
