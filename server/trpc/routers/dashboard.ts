import { getDashboard } from "../../services/dashboard/figures";
import { companyProcedure, createTRPCRouter } from "../init";

export const dashboardRouter = createTRPCRouter({
  figures: companyProcedure.query(({ ctx }) => getDashboard({ ctx: ctx.service, input: {} })),
});
