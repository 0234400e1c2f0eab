import {
  addOrdersToManifest,
  createManifest,
  getManifest,
  listManifests,
  markManifestAssembled,
  removeOrderFromManifest,
  setManifestSendDate,
} from "../../services/manifests";
import {
  addOrdersSchema,
  createManifestSchema,
  listManifestsSchema,
  manifestIdSchema,
  removeOrderSchema,
  setSendDateSchema,
} from "../../services/manifests/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const manifestsRouter = createTRPCRouter({
  list: companyProcedure
    .input(listManifestsSchema)
    .query(({ ctx, input }) => listManifests({ ctx: ctx.service, input })),
  get: companyProcedure.input(manifestIdSchema).query(({ ctx, input }) => getManifest({ ctx: ctx.service, input })),
  create: companyProcedure
    .input(createManifestSchema)
    .mutation(({ ctx, input }) => createManifest({ ctx: ctx.service, input })),
  addOrders: companyProcedure
    .input(addOrdersSchema)
    .mutation(({ ctx, input }) => addOrdersToManifest({ ctx: ctx.service, input })),
  removeOrder: companyProcedure
    .input(removeOrderSchema)
    .mutation(({ ctx, input }) => removeOrderFromManifest({ ctx: ctx.service, input })),
  markAssembled: companyProcedure
    .input(manifestIdSchema)
    .mutation(({ ctx, input }) => markManifestAssembled({ ctx: ctx.service, input })),
  setSendDate: companyProcedure
    .input(setSendDateSchema)
    .mutation(({ ctx, input }) => setManifestSendDate({ ctx: ctx.service, input })),
});
