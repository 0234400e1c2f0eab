import { startSyncWorker } from "./sync-worker";

// The background process (`npm run worker`; `npm start` runs it beside the web server). Several may run at once.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("[worker] DATABASE_URL is not set");
  process.exit(1);
}
const worker = await startSyncWorker({ databaseUrl: url });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: завершаю текущие задания и останавливаюсь`);
  await worker.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
