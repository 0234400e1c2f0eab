import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Queryable } from "@/db/client";
import { type Actor, isReadOnly, READ_ONLY_MESSAGE, type ServiceContext } from "../services/context";
import { fieldErrorsOf, INTERNAL_MESSAGE, toTRPCError } from "./errors";

export interface TRPCContext {
  db: Queryable;
  actor: Actor | null;
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // A failure outside any procedure (context creation) would otherwise carry its own, possibly SQL, text.
    const message = error.code === "INTERNAL_SERVER_ERROR" ? INTERNAL_MESSAGE : shape.message;
    const fieldErrors = fieldErrorsOf(error.cause) ?? null;
    return { ...shape, message, data: { ...shape.data, stack: undefined, fieldErrors } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps every thrown error, input parsing and validation included, through the one translation function. */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

export const publicProcedure = t.procedure.use(errorMapping);

const signedIn = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Войдите в кабинет" });
  const service: ServiceContext = { db: ctx.db, actor: ctx.actor };
  return next({ ctx: { service } });
});

/**
 * Every company procedure. The one place a read-only staff user is refused any mutation: it runs before the input is
 * parsed, so no router can forget it (the tenant-isolation test calls every mutation as such a user).
 */
export const companyProcedure = signedIn.use(({ ctx, type, next }) => {
  if (type === "mutation" && isReadOnly(ctx.service.actor)) {
    throw new TRPCError({ code: "FORBIDDEN", message: READ_ONLY_MESSAGE });
  }
  return next();
});

/** Mutations of the caller's own account (its password), open to a read-only user too. */
export const ownAccountProcedure = signedIn;
