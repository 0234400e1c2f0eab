import {
  checkPimPay,
  generatePimPayKeyPair,
  getPimPay,
  pimpayClientState,
  registerPimPayClient,
  savePimPay,
} from "../../services/payments/pimpay";
import { connectDemoPimPay } from "../../services/payments/demo";
import { listPimPayLog } from "../../services/payments/log";
import {
  pimpayClientRefSchema,
  pimpayLogSchema,
  registerPimPayClientSchema,
  savePimPaySchema,
} from "../../services/payments/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const pimpayRouter = createTRPCRouter({
  get: companyProcedure.query(({ ctx }) => getPimPay({ ctx: ctx.service, input: undefined })),
  save: companyProcedure.input(savePimPaySchema).mutation(({ ctx, input }) => savePimPay({ ctx: ctx.service, input })),
  generateKeys: companyProcedure.mutation(({ ctx }) => generatePimPayKeyPair({ ctx: ctx.service, input: undefined })),
  check: companyProcedure.mutation(({ ctx }) => checkPimPay({ ctx: ctx.service, input: undefined })),
  clientState: companyProcedure
    .input(pimpayClientRefSchema)
    .query(({ ctx, input }) => pimpayClientState({ ctx: ctx.service, input })),
  registerClient: companyProcedure
    .input(registerPimPayClientSchema)
    .mutation(({ ctx, input }) => registerPimPayClient({ ctx: ctx.service, input })),
  log: companyProcedure.input(pimpayLogSchema).query(({ ctx, input }) => listPimPayLog({ ctx: ctx.service, input })),
  connectDemo: companyProcedure.mutation(({ ctx }) => connectDemoPimPay({ ctx: ctx.service, input: undefined })),
});
