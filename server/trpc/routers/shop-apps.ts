import { listShopApps, setShopAppEnabled } from "../../services/shop-apps/apps";
import {
  listImportErrorsSchema,
  retryImportSchema,
  setShopAppEnabledSchema,
} from "../../services/shop-apps/apps-schemas";
import { getAutomation, saveAutomation } from "../../services/shop-apps/automation";
import { automationRefSchema, saveAutomationSchema } from "../../services/shop-apps/automation-schemas";
import { createDemoShopOrder, linkDemoShop } from "../../services/shop-apps/demo";
import { linkDemoShopSchema } from "../../services/shop-apps/demo-schemas";
import { createRetailCrmDemoOrder, retailCrmDemoInfo } from "../../services/shop-apps/demo-retailcrm";
import { listImportErrors, retryImport } from "../../services/shop-apps/import-errors";
import { companyProcedure, createTRPCRouter } from "../init";

export const shopAppsRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listShopApps({ ctx: ctx.service, input: undefined })),
  setEnabled: companyProcedure
    .input(setShopAppEnabledSchema)
    .mutation(({ ctx, input }) => setShopAppEnabled({ ctx: ctx.service, input })),
  importErrors: companyProcedure
    .input(listImportErrorsSchema)
    .query(({ ctx, input }) => listImportErrors({ ctx: ctx.service, input })),
  retryImport: companyProcedure
    .input(retryImportSchema)
    .mutation(({ ctx, input }) => retryImport({ ctx: ctx.service, input })),
  automation: companyProcedure
    .input(automationRefSchema)
    .query(({ ctx, input }) => getAutomation({ ctx: ctx.service, input })),
  saveAutomation: companyProcedure
    .input(saveAutomationSchema)
    .mutation(({ ctx, input }) => saveAutomation({ ctx: ctx.service, input })),
  linkDemo: companyProcedure
    .input(linkDemoShopSchema)
    .mutation(({ ctx, input }) => linkDemoShop({ ctx: ctx.service, input })),
  demoOrder: companyProcedure.mutation(({ ctx }) => createDemoShopOrder({ ctx: ctx.service, input: undefined })),
  retailCrmDemo: companyProcedure.query(({ ctx }) => retailCrmDemoInfo({ ctx: ctx.service, input: undefined })),
  retailCrmDemoOrder: companyProcedure.mutation(({ ctx }) =>
    createRetailCrmDemoOrder({ ctx: ctx.service, input: undefined }),
  ),
});
