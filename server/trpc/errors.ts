import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { ServiceError, type ServiceErrorCode } from "../services/errors";

const CODES: Record<ServiceErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
};

/** The one place service errors become tRPC errors; anything unknown is logged and answered without its text. */
export function toTRPCError(e: unknown): TRPCError {
  if (e instanceof TRPCError) return e;
  if (e instanceof ServiceError) return new TRPCError({ code: CODES[e.code], message: e.message, cause: e });
  if (e instanceof ZodError) return new TRPCError({ code: "BAD_REQUEST", message: e.issues[0]?.message ?? "Некорректные данные", cause: e });
  console.error(e);
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Внутренняя ошибка сервера. Попробуйте ещё раз." });
}

/** Field-level messages for forms, from either zod or a service's own field errors. */
export function fieldErrorsOf(cause: unknown): Record<string, string[]> | undefined {
  if (cause instanceof ZodError) {
    const out: Record<string, string[]> = {};
    for (const issue of cause.issues) (out[issue.path.join(".") || "_"] ??= []).push(issue.message);
    return out;
  }
  if (cause instanceof ServiceError) return cause.fieldErrors;
  return undefined;
}
