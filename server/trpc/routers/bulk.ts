import { bulkAddToManifest, bulkCancel, bulkCount, bulkIds, bulkSetStatus } from "../../services/bulk";
import {
  bulkAddToManifestSchema,
  bulkCancelSchema,
  bulkFilterSchema,
  bulkSetStatusSchema,
} from "../../services/bulk/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

// The order list's bulk actions. Staff and client accounts alike: the services refuse what a client may not do.
export const bulkRouter = createTRPCRouter({
  count: companyProcedure.input(bulkFilterSchema).query(({ ctx, input }) => bulkCount({ ctx: ctx.service, input })),
  ids: companyProcedure.input(bulkFilterSchema).query(({ ctx, input }) => bulkIds({ ctx: ctx.service, input })),
  cancel: companyProcedure
    .input(bulkCancelSchema)
    .mutation(({ ctx, input }) => bulkCancel({ ctx: ctx.service, input })),
  setStatus: companyProcedure
    .input(bulkSetStatusSchema)
    .mutation(({ ctx, input }) => bulkSetStatus({ ctx: ctx.service, input })),
  addToManifest: companyProcedure
    .input(bulkAddToManifestSchema)
    .mutation(({ ctx, input }) => bulkAddToManifest({ ctx: ctx.service, input })),
});
