import {
  checkIntegration,
  getIntegration,
  listIntegrationAudit,
  listIntegrations,
  saveIntegration,
  setIntegrationEnabled,
} from "../../services/integrations";
import {
  branchRefSchema,
  saveIntegrationSchema,
  setIntegrationEnabledSchema,
} from "../../services/integrations/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const integrationsRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listIntegrations({ ctx: ctx.service, input: {} })),
  get: companyProcedure.input(branchRefSchema).query(({ ctx, input }) => getIntegration({ ctx: ctx.service, input })),
  audit: companyProcedure
    .input(branchRefSchema)
    .query(({ ctx, input }) => listIntegrationAudit({ ctx: ctx.service, input })),
  save: companyProcedure
    .input(saveIntegrationSchema)
    .mutation(({ ctx, input }) => saveIntegration({ ctx: ctx.service, input })),
  setEnabled: companyProcedure
    .input(setIntegrationEnabledSchema)
    .mutation(({ ctx, input }) => setIntegrationEnabled({ ctx: ctx.service, input })),
  check: companyProcedure
    .input(branchRefSchema)
    .mutation(({ ctx, input }) => checkIntegration({ ctx: ctx.service, input })),
});
