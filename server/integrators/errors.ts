export type FailureKind = "transient" | "auth" | "rejected";

/**
 * Errors of a partner exchange, thrown by adapters and classified once there, so the engine retries every partner the
 * same way: `transient` is retried with back-off, `auth` stops at once and marks the integration unhealthy,
 * `rejected` is final.
 */
export class PartnerError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = "PartnerError";
  }
}
