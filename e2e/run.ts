import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { startPgProxy } from "../db/test/pg-proxy";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import { checkSupervisor } from "./supervisor";

// `npm run test:e2e`: a fresh database (on DATABASE_URL's server, else an embedded one), the app started the way
// `npm start` starts it (migrations, demo data, production build, web + worker), then Playwright in Chromium, then
// (whole runs only) `npm start` under trouble: PostgreSQL cut for 10 s mid-hand-over, kill -9 of the worker, SIGTERM.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `[e2e] Chromium не найден: ${chromium}. Установите его (apt-get install -y chromium) или укажите CHROMIUM_PATH.`,
  );
  process.exit(1);
}

const port = process.env.E2E_PORT ?? "3999";
const baseURL = `http://127.0.0.1:${port}`;
const server = await ensureDatabaseServer({
  dataDir: ".data/pg-e2e",
  port: Number(process.env.EMBEDDED_PG_E2E_PORT ?? 54349),
  log: () => {},
});
const dbName = `kh_e2e_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
await createDatabaseIfMissing(server.adminUrl, dbName);
const databaseUrl = withDatabase(server.adminUrl, dbName);
// The app reaches PostgreSQL through a proxy the supervisor check can cut, leaving the shared server alone.
const pg = await startPgProxy(databaseUrl);

const app = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/start.ts"], {
  env: {
    ...process.env,
    DATABASE_URL: pg.url,
    PORT: port,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    SECRETS_KEY: randomBytes(32).toString("base64"),
    E2E: "1",
    // Statuses come back within seconds in the sync spec instead of the production default of 30 s.
    SYNC_POLL_SECONDS: process.env.SYNC_POLL_SECONDS ?? "2",
    // Shop orders whose webhook has not been registered yet come in within seconds, not the default minute.
    INBOUND_POLL_SECONDS: process.env.INBOUND_POLL_SECONDS ?? "3",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
let appExited = false;
app.on("exit", () => (appExited = true));

let code = 1;
try {
  await waitForServer(`${baseURL}/login`, 600_000);
  // Not spawnSync: the database proxy above lives in this process and must keep serving while Playwright runs.
  const pw = spawn(
    process.execPath,
    [path.resolve("node_modules/@playwright/test/cli.js"), "test", ...process.argv.slice(2)],
    {
      env: { ...process.env, E2E_BASE_URL: baseURL, CHROMIUM_PATH: chromium },
      stdio: "inherit",
    },
  );
  code = await new Promise<number>((resolve) => pw.on("exit", (c) => resolve(c ?? 1)));
  // A full run checks the supervisor too; E2E_SUPERVISOR=1 adds it to a run of chosen specs, 0 leaves it out.
  const supervisor = process.env.E2E_SUPERVISOR ?? (process.argv.length <= 2 ? "1" : "0");
  if (supervisor === "1") {
    const failures = await checkSupervisor({
      startPid: app.pid!,
      baseURL,
      pg,
      databaseUrl,
      startExited: () => appExited,
    });
    if (failures.length) code = 1;
  }
} catch (e) {
  console.error(`[e2e] ${String(e)}`);
} finally {
  if (!appExited) {
    const exited = new Promise((r) => app.once("exit", r));
    app.kill("SIGTERM");
    await exited;
  }
  await pg.close();
  await dropDatabase(server.adminUrl, dbName).catch((e: unknown) => console.error(`[e2e] drop database: ${String(e)}`));
  await server.stop();
}
process.exit(code);

async function waitForServer(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (appExited) throw new Error("приложение завершилось до готовности");
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`сервер не ответил за ${timeoutMs / 1000} с`);
}
