/** The one error family services throw; `server/trpc/errors.ts` maps it to tRPC codes, the XML API to its own codes. */
export type ServiceErrorCode =
  "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "TOO_MANY_REQUESTS";

export type FieldErrors = Record<string, string[]>;

/** Zod issues keyed by their dotted path ("receiver.phone", "items.0.name"): the one shape every door and form uses. */
export function zodFieldErrors(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) {
  const out: FieldErrors = {};
  for (const issue of error.issues) (out[issue.path.map(String).join(".") || "_"] ??= []).push(issue.message);
  return out;
}

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

export class NotFoundError extends ServiceError {
  /** `field` attaches the message to a form field when the missing thing was picked there. */
  constructor(what: string, field?: string) {
    const message = `${what}: не найдено`;
    super("NOT_FOUND", message, field ? { [field]: [message] } : undefined);
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message = "Недостаточно прав для этого действия") {
    super("FORBIDDEN", message);
  }
}

export class ConflictError extends ServiceError {
  constructor(message: string, fieldErrors?: FieldErrors) {
    super("CONFLICT", message, fieldErrors);
  }
}

export class ValidationError extends ServiceError {
  constructor(message: string, fieldErrors?: FieldErrors) {
    super("BAD_REQUEST", message, fieldErrors);
  }
}

export class UnauthorizedError extends ServiceError {
  constructor(message = "Неверный код службы, логин или пароль") {
    super("UNAUTHORIZED", message);
  }
}

export class TooManyRequestsError extends ServiceError {
  constructor(message: string) {
    super("TOO_MANY_REQUESTS", message);
  }
}
