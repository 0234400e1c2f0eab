import { changeClientPassword, getIntegrationValues } from "../../services/client-integration";
import { changeClientPasswordSchema, integrationValuesSchema } from "../../services/client-integration/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const clientIntegrationRouter = createTRPCRouter({
  values: companyProcedure
    .input(integrationValuesSchema)
    .query(({ ctx, input }) => getIntegrationValues({ ctx: ctx.service, input })),
  changePassword: companyProcedure
    .input(changeClientPasswordSchema)
    .mutation(({ ctx, input }) => changeClientPassword({ ctx: ctx.service, input })),
});
