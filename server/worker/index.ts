import { connectionMonitor, describe, installProcessGuards } from "./health";
import { startWorker } from "./runner";

// The background process (`npm run worker`; `npm start` runs it beside the web server). Several may run at once.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("[worker] DATABASE_URL is not set");
  process.exit(1);
}
const log = (m: string) => console.log(`[worker] ${m}`);
const monitor = connectionMonitor(log);
installProcessGuards(log, () => monitor);

let stopping = false;
let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: завершаю текущие задания и останавливаюсь`);
  await worker?.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

// PostgreSQL may be down when the worker starts (or restarts after a crash): wait for it instead of exiting.
for (let attempt = 1; !stopping; attempt++) {
  try {
    worker = await startWorker({ databaseUrl: url, log, monitor });
    monitor.ok();
    break;
  } catch (e) {
    const delayS = Math.min(30, 2 ** Math.min(attempt - 1, 5));
    if (!monitor.lost(e)) log(`не удалось запуститься: ${describe(e)}; повтор через ${delayS} с`);
    await new Promise((r) => setTimeout(r, delayS * 1000));
  }
}
