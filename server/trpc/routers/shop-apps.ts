import { listShopApps, setShopAppEnabled } from "../../services/shop-apps/apps";
import { setShopAppEnabledSchema } from "../../services/shop-apps/apps-schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const shopAppsRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listShopApps({ ctx: ctx.service, input: undefined })),
  setEnabled: companyProcedure
    .input(setShopAppEnabledSchema)
    .mutation(({ ctx, input }) => setShopAppEnabled({ ctx: ctx.service, input })),
});
