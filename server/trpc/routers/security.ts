import { listSecurityEvents } from "../../services/security/list-events";
import { listSecurityEventsSchema } from "../../services/security/schemas";
import { companyProcedure, createTRPCRouter } from "../init";

export const securityRouter = createTRPCRouter({
  events: companyProcedure
    .input(listSecurityEventsSchema)
    .query(({ ctx, input }) => listSecurityEvents({ ctx: ctx.service, input })),
});
