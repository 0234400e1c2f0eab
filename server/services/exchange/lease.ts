/**
 * How long claimed work (a batch of transfers, a status poll) belongs to its worker without a sign of life. Short, so
 * a killed worker's work is taken over within seconds; the heartbeat renews it while the work runs, however long the
 * partner takes.
 */
export const LEASE_MS = Number(process.env.SYNC_LOCK_MS ?? 15_000);

/**
 * Calls `beat` every third of the lease until stopped. A failed beat is left to the next one (or to the lease running
 * out, when PostgreSQL is away for longer): the work it guards decides on its own commit, never on a beat.
 */
export function heartbeat(beat: () => Promise<unknown>, leaseMs = LEASE_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(
    () => {
      running ??= beat()
        .catch(() => {})
        .finally(() => (running = null));
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  return {
    /** Stops beating and waits for a beat in flight, so nothing renews the lease after the work's own commit. */
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
