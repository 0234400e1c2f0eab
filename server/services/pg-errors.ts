/** postgres-js errors carry the SQLSTATE in `code`; drizzle may wrap them in `cause`. */
export function pgErrorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (e: unknown) => pgErrorCode(e) === "23505";

/** The name of the constraint or unique index a violation names (postgres-js `constraint_name`), through `cause`. */
export function violatedConstraint(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const name = (cur as { constraint_name?: unknown }).constraint_name;
    if (typeof name === "string") return name;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Serialization failure, deadlock or a NOWAIT lock taken: the transaction lost a race and can simply run again. */
export const isRetryableConflict = (e: unknown) => ["40001", "40P01", "55P03"].includes(pgErrorCode(e) ?? "");

/** SQLSTATE class 22 (data exception): a value the database cannot take is bad input, not a server fault. */
export const isDataException = (e: unknown) => pgErrorCode(e)?.startsWith("22") ?? false;

/**
 * Runs fn again while it loses races (see isRetryableConflict), with a short jittered back-off so contenders spread
 * out instead of colliding again; gives up after `budgetMs` and rethrows.
 */
export async function retryConflicts<T>(
  fn: () => Promise<T>,
  { budgetMs = 10_000, baseMs = 5, capMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isRetryableConflict(e) || Date.now() >= deadline) throw e;
      const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 10));
      await new Promise((r) => setTimeout(r, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}
