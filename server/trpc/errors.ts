import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { ServiceError, type ServiceErrorCode, zodFieldErrors } from "../services/errors";
import { isDataException } from "../services/pg-errors";

const CODES: Record<ServiceErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
};

export const MALFORMED_JSON_MESSAGE = "Некорректный запрос: данные не в формате JSON";
export const MALFORMED_REQUEST_MESSAGE = "Некорректный запрос";
export const INTERNAL_MESSAGE = "Внутренняя ошибка сервера. Попробуйте ещё раз.";
export const BAD_VALUE_MESSAGE = "Некорректное значение в запросе: проверьте даты, числа и текст";

/**
 * The one place errors become tRPC errors. Service errors and zod keep their Russian messages; what tRPC itself
 * refused (unreadable input) and values the database cannot take (SQLSTATE class 22) are the caller's fault: 400
 * with a Russian message, never the parser's or the database's text. Anything else is logged and answered as 500.
 */
export function toTRPCError(e: unknown): TRPCError {
  if (e instanceof ServiceError) return new TRPCError({ code: CODES[e.code], message: e.message, cause: e });
  if (e instanceof ZodError) {
    return new TRPCError({ code: "BAD_REQUEST", message: e.issues[0]?.message ?? "Некорректные данные", cause: e });
  }
  if (isDataException(e)) {
    console.warn(`[trpc] refused a value the database cannot take: ${(e as Error).message}`);
    return new TRPCError({ code: "BAD_REQUEST", message: BAD_VALUE_MESSAGE });
  }
  if (e instanceof TRPCError) {
    const cause = e.cause;
    // tRPC wraps whatever a procedure throws: judge the original.
    if (cause instanceof ServiceError || cause instanceof ZodError || isDataException(cause)) return toTRPCError(cause);
    if (e.code === "INTERNAL_SERVER_ERROR") return cause && cause !== e ? toTRPCError(cause) : unknownError(e);
    // tRPC's own refusals (input that is not JSON, a malformed batch) carry English parser text.
    if (e.code === "PARSE_ERROR" || (e.code === "BAD_REQUEST" && cause)) {
      const message = cause instanceof SyntaxError ? MALFORMED_JSON_MESSAGE : MALFORMED_REQUEST_MESSAGE;
      return new TRPCError({ code: e.code, message });
    }
    return e;
  }
  return unknownError(e);
}

function unknownError(e: unknown): TRPCError {
  console.error(e);
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE });
}

/** Field-level messages for forms, from either zod or a service's own field errors. */
export function fieldErrorsOf(cause: unknown): Record<string, string[]> | undefined {
  if (cause instanceof ZodError) return zodFieldErrors(cause);
  if (cause instanceof ServiceError) return cause.fieldErrors;
  return undefined;
}
