import {
  changeOwnPassword,
  createUser,
  listUsers,
  removeUser,
  resetUserPassword,
  setUserRole,
} from "../../services/users";
import {
  changeOwnPasswordSchema,
  createUserSchema,
  resetPasswordSchema,
  setRoleSchema,
  userIdSchema,
} from "../../services/users/schemas";
import { companyProcedure, createTRPCRouter, ownAccountProcedure } from "../init";

export const usersRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listUsers({ ctx: ctx.service, input: undefined })),
  create: companyProcedure
    .input(createUserSchema)
    .mutation(({ ctx, input }) => createUser({ ctx: ctx.service, input })),
  setRole: companyProcedure.input(setRoleSchema).mutation(({ ctx, input }) => setUserRole({ ctx: ctx.service, input })),
  resetPassword: companyProcedure
    .input(resetPasswordSchema)
    .mutation(({ ctx, input }) => resetUserPassword({ ctx: ctx.service, input })),
  remove: companyProcedure.input(userIdSchema).mutation(({ ctx, input }) => removeUser({ ctx: ctx.service, input })),
  // The one mutation a read-only user may run: its own password.
  changeOwnPassword: ownAccountProcedure
    .input(changeOwnPasswordSchema)
    .mutation(({ ctx, input }) => changeOwnPassword({ ctx: ctx.service, input })),
});
