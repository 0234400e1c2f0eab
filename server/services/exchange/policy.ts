/** How a failed exchange with a partner is retried. Transient failures back off exponentially with jitter. */
export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** After this long since the first attempt a transfer is marked failed instead of retried. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: Number(process.env.SYNC_RETRY_BASE_MS ?? 2_000),
  maxDelayMs: Number(process.env.SYNC_RETRY_MAX_MS ?? 10 * 60_000),
  giveUpAfterMs: Number(process.env.SYNC_GIVE_UP_MS ?? 60 * 60_000),
};

/** Full jitter: a uniform delay up to the exponential cap, so retries of many workers do not arrive in step. */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
