import { createBranch, deleteBranch, listBranches, updateBranch } from "../../services/branches";
import { branchFieldsSchema, branchIdSchema, updateBranchSchema } from "../../services/branches/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const branchesRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listBranches({ ctx: ctx.service, input: {} })),
  create: companyProcedure
    .input(branchFieldsSchema)
    .mutation(({ ctx, input }) => createBranch({ ctx: ctx.service, input })),
  update: companyProcedure
    .input(updateBranchSchema)
    .mutation(({ ctx, input }) => updateBranch({ ctx: ctx.service, input })),
  delete: companyProcedure
    .input(branchIdSchema)
    .mutation(({ ctx, input }) => deleteBranch({ ctx: ctx.service, input })),
});
