import {
  deleteService,
  deleteTariff,
  deleteZone,
  getCompanySettings,
  listCompanyAudit,
  listTariffs,
  listZones,
  saveApiSettings,
  saveRequisites,
  saveService,
  saveTariff,
  saveZone,
} from "../../services/company-settings";
import {
  apiSettingsSchema,
  auditListSchema,
  idSchema,
  requisitesSchema,
  serviceCodeSchema,
  serviceSchema,
  tariffListSchema,
  tariffSchema,
  zoneSchema,
} from "../../services/company-settings/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const companySettingsRouter = createTRPCRouter({
  get: companyProcedure.query(({ ctx }) => getCompanySettings({ ctx: ctx.service, input: undefined })),
  saveRequisites: companyProcedure
    .input(requisitesSchema)
    .mutation(({ ctx, input }) => saveRequisites({ ctx: ctx.service, input })),
  saveApi: companyProcedure
    .input(apiSettingsSchema)
    .mutation(({ ctx, input }) => saveApiSettings({ ctx: ctx.service, input })),
  saveService: companyProcedure
    .input(serviceSchema)
    .mutation(({ ctx, input }) => saveService({ ctx: ctx.service, input })),
  deleteService: companyProcedure
    .input(serviceCodeSchema)
    .mutation(({ ctx, input }) => deleteService({ ctx: ctx.service, input })),
  tariffs: companyProcedure.input(tariffListSchema).query(({ ctx, input }) => listTariffs({ ctx: ctx.service, input })),
  saveTariff: companyProcedure
    .input(tariffSchema)
    .mutation(({ ctx, input }) => saveTariff({ ctx: ctx.service, input })),
  deleteTariff: companyProcedure
    .input(idSchema)
    .mutation(({ ctx, input }) => deleteTariff({ ctx: ctx.service, input })),
  zones: companyProcedure.query(({ ctx }) => listZones({ ctx: ctx.service, input: undefined })),
  saveZone: companyProcedure.input(zoneSchema).mutation(({ ctx, input }) => saveZone({ ctx: ctx.service, input })),
  deleteZone: companyProcedure.input(idSchema).mutation(({ ctx, input }) => deleteZone({ ctx: ctx.service, input })),
  audit: companyProcedure
    .input(auditListSchema)
    .query(({ ctx, input }) => listCompanyAudit({ ctx: ctx.service, input })),
});
