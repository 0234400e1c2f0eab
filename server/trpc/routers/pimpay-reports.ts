import { codView } from "../../services/payments/cod-view";
import {
  codViewSchema,
  listVerificationsSchema,
  previewVerificationSchema,
  sendVerificationSchema,
  verificationIdSchema,
} from "../../services/payments/report-schemas";
import {
  listVerifications,
  previewVerification,
  refreshVerification,
  sendVerification,
} from "../../services/payments/verification";
import { companyProcedure, createTRPCRouter } from "../init";

/** «Наложенный платёж» and «Сверки PimPay»: thin procedures over the payments report services. */
export const pimpayReportsRouter = createTRPCRouter({
  codView: companyProcedure.input(codViewSchema).query(({ ctx, input }) => codView({ ctx: ctx.service, input })),
  // A mutation though it writes nothing: up to thousands of order ids travel in the body, never in a GET's URL.
  previewVerification: companyProcedure
    .input(previewVerificationSchema)
    .mutation(({ ctx, input }) => previewVerification({ ctx: ctx.service, input })),
  sendVerification: companyProcedure
    .input(sendVerificationSchema)
    .mutation(({ ctx, input }) => sendVerification({ ctx: ctx.service, input })),
  refreshVerification: companyProcedure
    .input(verificationIdSchema)
    .mutation(({ ctx, input }) => refreshVerification({ ctx: ctx.service, input })),
  verifications: companyProcedure
    .input(listVerificationsSchema)
    .query(({ ctx, input }) => listVerifications({ ctx: ctx.service, input })),
});
