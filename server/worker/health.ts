import { isConnectionLoss } from "../../db/client";

/**
 * One line when PostgreSQL goes away and one when it is back, instead of an error per poll, job and tick while it is
 * away (pg-boss alone polls every half second per queue).
 */
export function connectionMonitor(log: (m: string) => void) {
  let lostAt: number | null = null;
  return {
    /** Reports `e` if it is a lost connection (once per outage); false for any other error, for the caller to log. */
    lost(e: unknown): boolean {
      if (!isConnectionLoss(e)) return false;
      if (lostAt === null) {
        lostAt = Date.now();
        log(`нет связи с PostgreSQL (${describe(e)}); работа продолжится, когда база вернётся`);
      }
      return true;
    },
    /** Something just worked against the database. */
    ok() {
      if (lostAt === null) return;
      log(`связь с PostgreSQL восстановлена (перерыв ${Math.round((Date.now() - lostAt) / 1000)} с)`);
      lostAt = null;
    },
    get down() {
      return lostAt !== null;
    },
  };
}

export type ConnectionMonitor = ReturnType<typeof connectionMonitor>;

/** One short line: the driver's own error (not Drizzle's «Failed query: …» with the whole statement and parameters). */
export function describe(e: unknown): string {
  const cause = (e as { cause?: unknown })?.cause;
  const inner = cause instanceof Error && (e as Error).message?.startsWith("Failed query") ? cause : e;
  const code = (inner as { code?: unknown })?.code;
  const message = (inner instanceof Error ? inner.message : String(inner)).split("\n")[0]!.slice(0, 200);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * Last line of defence for the worker process. A promise nobody awaited (pg-boss completes jobs without awaiting, so
 * an outage rejects them) is logged and the process goes on. A thrown exception leaves unknown state behind: a lost
 * connection is survivable (the pools reconnect), anything else is logged and the process exits non-zero for its
 * supervisor (`npm start`) to restart it.
 */
export function installProcessGuards(log: (m: string) => void, monitor: () => ConnectionMonitor | null) {
  process.on("unhandledRejection", (reason) => {
    if (monitor()?.lost(reason) || isConnectionLoss(reason)) return;
    log(
      `необработанная ошибка (процесс продолжает работу): ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  process.on("uncaughtException", (error) => {
    if (monitor()?.lost(error) || isConnectionLoss(error)) return;
    log(`неперехваченное исключение, процесс завершается: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
